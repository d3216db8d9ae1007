/**
 * Scorers that give the same numbers as their reference implementations: GSM8K exact match with
 * lm-eval's strict and flexible extraction ({@link io.qmeter.eval.score.Gsm8kScorer}), SQuAD-style
 * alias match for TriviaQA ({@link io.qmeter.eval.score.AliasMatch}), the unbiased pass@k estimator
 * ({@link io.qmeter.eval.score.PassAtK}), and ROUGE-1/2/L/Lsum as Google's {@code rouge-score}
 * computes them ({@link io.qmeter.eval.score.Rouge}, with NLTK's Porter stemmer,
 * {@link io.qmeter.eval.score.PorterStemmer}).
 *
 * <pre>{@code
 * boolean ok = Gsm8kScorer.strictMatch("... #### 1,234.", "... #### 1234");   // true
 * double p = PassAtK.estimate(10, 3, 1);                                        // 0.3
 * double f = Rouge.withStemmer().score("the cat sat", "a cat sat").rouge1().fmeasure();
 * }</pre>
 */
package io.qmeter.eval.score;
