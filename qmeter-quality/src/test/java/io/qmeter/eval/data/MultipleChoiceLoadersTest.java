package io.qmeter.eval.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Hugging Face export loaders, with lm-eval's preprocessing and prompt formats, on fixtures written here. */
class MultipleChoiceLoadersTest {

    @TempDir
    Path tmp;

    @Test
    void hellaswagPreprocessesAsLmEval() {
        List<MultipleChoiceItem> items = MultipleChoiceLoaders.hellaswag(Fixtures.file("hellaswag.jsonl"));
        assertThat(items).hasSize(2);
        MultipleChoiceItem a = items.get(0);
        assertThat(a.id()).isEqualTo("7");
        // " [title]" -> ". ", double space folded, ctx_b capitalized the Python way (rest lower case)
        assertThat(a.context(0)).isEqualTo("Making tea. Boil water: A woman fills a kettle. She puts it on the stove");
        // "[header]" removed after the strip, so the leading space stays, as in lm-eval
        assertThat(a.choices()).containsExactly("and waits for it to whistle.", " and paints the kettle red.",
                "and throws it away.", "and sits down.");
        assertThat(a.continuation(0)).isEqualTo(" and waits for it to whistle.");
        assertThat(a.gold()).isZero();
        // empty ctx_b: "ctx_a " stripped; label as a number is accepted too
        assertThat(items.get(1).context(0)).isEqualTo("Cycling: A boy rides a bike down a hill.");
    }

    @Test
    void arcFormatsQuestionAnswerAndFindsTheKeyAmongTheLabels() {
        List<MultipleChoiceItem> items = MultipleChoiceLoaders.arc(Fixtures.file("arc.jsonl"));
        assertThat(items.get(0).context(0)).isEqualTo("Question: Which gas do plants take in for photosynthesis?\nAnswer:");
        assertThat(items.get(0).continuation(1)).isEqualTo(" carbon dioxide");
        assertThat(items.get(0).gold()).isEqualTo(1);
        assertThat(items.get(1).gold()).as("numeric labels").isEqualTo(1);
        assertThat(items.get(1).size()).isEqualTo(3);
    }

    @Test
    void winograndeIsPartialEvaluation() {
        MultipleChoiceItem w = MultipleChoiceLoaders.winogrande(Fixtures.file("winogrande.jsonl")).get(0);
        assertThat(w.contexts()).containsExactly("The trophy does not fit in the suitcase because the trophy",
                "The trophy does not fit in the suitcase because the suitcase");
        assertThat(w.continuation(0)).isEqualTo(" is too big.");
        assertThat(w.continuation(1)).isEqualTo(" is too big.");
        assertThat(w.choices()).isEqualTo(w.contexts());
        assertThat(w.gold()).isZero();
        assertThat(MultipleChoiceLoaders.winogrande(Fixtures.file("winogrande.jsonl")).get(1).gold()).isEqualTo(1);
    }

    @Test
    void mmluHasTheSubjectDescriptionAndLetterChoices() {
        MultipleChoiceItem m = MultipleChoiceLoaders.mmlu(Fixtures.file("mmlu.jsonl")).get(0);
        assertThat(m.description()).isEqualTo(
                "The following are multiple choice questions (with answers) about elementary mathematics.\n\n");
        assertThat(m.context(0)).isEqualTo("What is 2 + 3?\nA. 4\nB. 5\nC. 6\nD. 7\nAnswer:");
        assertThat(m.choices()).containsExactly("A", "B", "C", "D");
        assertThat(m.continuation(2)).isEqualTo(" C");
        assertThat(m.gold()).isEqualTo(1);
    }

    @Test
    void gpqaShufflesSeededAndKeepsTheGoldOnTheCorrectAnswer() {
        MultipleChoiceItem g = MultipleChoiceLoaders.gpqa(Fixtures.file("gpqa.jsonl"), 1234L).get(0);
        assertThat(g.id()).isEqualTo("recFixture1");
        assertThat(g.options()).containsExactlyInAnyOrder("Electron", "Proton", "Neutron. particle", "Photon");
        assertThat(g.options().get(g.gold())).isEqualTo("Electron");
        assertThat(g.choices()).containsExactly("(A)", "(B)", "(C)", "(D)");
        assertThat(g.context(0)).startsWith("What is the correct answer to this question:Which particle carries a "
                + "negative charge?\nChoices:\n(A) ").endsWith("\nAnswer:");
        assertThat(MultipleChoiceLoaders.gpqa(Fixtures.file("gpqa.jsonl"), 1234L).get(0)).isEqualTo(g);
    }

    @Test
    void bbhLoadsInputAndTarget() {
        List<BbhItem> b = BbhLoader.load(Fixtures.file("bbh-boolean_expressions.jsonl"));
        assertThat(b).hasSize(2);
        assertThat(b.get(0).id()).isEqualTo("bbh-boolean_expressions/0");
        assertThat(b.get(0).prompt()).isEqualTo("Q: not ( True ) and ( True ) is\nA:");
        assertThat(b.get(1).target()).isEqualTo("True");
    }

    @Test
    void shareGptLoadsConversationsAndTheFirstExchange() {
        List<ShareGptLoader.Conversation> cs = ShareGptLoader.load(Fixtures.file("sharegpt.json"));
        assertThat(cs).hasSize(3);
        assertThat(cs.get(0).firstExchange().get(0)).startsWith("Write a short poem");
        assertThat(cs.get(2).firstExchange()).isEmpty();
    }

    @Test
    void aMissingFileSaysWhichAndWhatToGive() {
        assertThatThrownBy(() -> MultipleChoiceLoaders.hellaswag(tmp.resolve("nope.jsonl")))
                .isInstanceOf(DatasetException.class).hasMessageContaining("HellaSwag file not found")
                .hasMessageContaining("nope.jsonl");
        assertThatThrownBy(() -> ShareGptLoader.load(tmp.resolve("nope.json")))
                .isInstanceOf(DatasetException.class).hasMessageContaining("ShareGPT file not found");
    }

    @Test
    void theWrongFileNamesTheItemAndTheMissingField() {
        assertThatThrownBy(() -> MultipleChoiceLoaders.hellaswag(Fixtures.file("arc.jsonl")))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("HellaSwag item 0 (line 1 of").hasMessageContaining("no field 'ctx_a'");
        assertThatThrownBy(() -> MultipleChoiceLoaders.mmlu(Fixtures.file("winogrande.jsonl")))
                .hasMessageContaining("MMLU item 0").hasMessageContaining("no field 'question'");
        assertThatThrownBy(() -> ShareGptLoader.load(Fixtures.file("arc.jsonl")))
                .isInstanceOf(DatasetException.class).hasMessageContaining("must hold one JSON array")
                .hasMessageContaining("JSON Lines, not ShareGPT's format");
        assertThatThrownBy(() -> MultipleChoiceLoaders.arc(Fixtures.file("sharegpt.json")))
                .isInstanceOf(DatasetException.class).hasMessageContaining("line 1").hasMessageContaining("not JSON");
    }

    @Test
    void aBrokenItemIsNamedByIndexLineAndField() throws IOException {
        Path arc = Files.writeString(tmp.resolve("arc.jsonl"), Files.readString(Fixtures.file("arc.jsonl"))
                + "{\"id\": \"x\", \"question\": \"q\", \"choices\": {\"text\": [\"a\", \"b\"]}, \"answerKey\": \"A\"}\n");
        assertThatThrownBy(() -> MultipleChoiceLoaders.arc(arc))
                .hasMessageContaining("ARC item 2 (line 3 of").hasMessageContaining("no field 'choices.label'");
        Path wino = Files.writeString(tmp.resolve("w.jsonl"),
                "{\"sentence\": \"No blank here.\", \"option1\": \"a\", \"option2\": \"b\", \"answer\": \"1\"}\n");
        assertThatThrownBy(() -> MultipleChoiceLoaders.winogrande(wino))
                .hasMessageContaining("Winogrande item 0").hasMessageContaining("no '_' blank");
        Path hs = Files.writeString(tmp.resolve("h.jsonl"), "{\"activity_label\": \"a\", \"ctx_a\": \"b\", "
                + "\"ctx_b\": \"c\", \"endings\": [\"x\", 3], \"label\": \"0\"}\n");
        assertThatThrownBy(() -> MultipleChoiceLoaders.hellaswag(hs))
                .hasMessageContaining("field 'endings' must hold strings only");
        Path mm = Files.writeString(tmp.resolve("m.jsonl"), "{\"question\": \"q\", \"subject\": \"s\", "
                + "\"choices\": [\"a\", \"b\", \"c\", \"d\"], \"answer\": \"seven\"}\n");
        assertThatThrownBy(() -> MultipleChoiceLoaders.mmlu(mm)).hasMessageContaining("field 'answer' must be an integer");
        Path sg = Files.writeString(tmp.resolve("s.json"), "[{\"id\": \"a\", \"conversations\": [{\"from\": \"human\"}]}]");
        assertThatThrownBy(() -> ShareGptLoader.load(sg))
                .hasMessageContaining("ShareGPT item 0").hasMessageContaining("turn 0").hasMessageContaining("'value'");
        Path notArray = Files.writeString(tmp.resolve("o.json"), "{\"conversations\": []}");
        assertThatThrownBy(() -> ShareGptLoader.load(notArray)).hasMessageContaining("must hold one JSON array");
    }
}
