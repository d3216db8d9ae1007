package io.qmeter.analysis.figures;

import static org.assertj.core.api.Assertions.assertThat;

import io.qmeter.analysis.figures.Pareto.Sense;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class ParetoTest {

    record P(String n, double x, double y) {
    }

    @Test
    void handComputedFrontMinimizingXMaximizingY() {
        // A(1,1) B(2,3) C(3,2) D(4,4) E(2,3 again) F(5,4)
        List<P> ps = List.of(new P("A", 1, 1), new P("B", 2, 3), new P("C", 3, 2), new P("D", 4, 4),
                new P("E", 2, 3), new P("F", 5, 4), new P("N", Double.NaN, 9));
        List<P> front = Pareto.front(ps, P::x, Sense.MINIMIZE, P::y, Sense.MAXIMIZE);
        // C is beaten by B; F by D; A, B, E (equal to B), D stay; NaN is left out
        assertThat(front).extracting(P::n).containsExactly("A", "B", "E", "D");
    }

    @Test
    void bothMinimizedAndBothMaximized() {
        List<P> ps = List.of(new P("a", 1, 5), new P("b", 2, 2), new P("c", 5, 1), new P("d", 3, 3));
        assertThat(Pareto.front(ps, P::x, Sense.MINIMIZE, P::y, Sense.MINIMIZE)).extracting(P::n)
                .containsExactly("a", "b", "c");
        assertThat(Pareto.front(ps, P::x, Sense.MAXIMIZE, P::y, Sense.MAXIMIZE)).extracting(P::n)
                .containsExactly("a", "d", "c");
        assertThat(Pareto.front(List.<P>of(), P::x, Sense.MAXIMIZE, P::y, Sense.MAXIMIZE)).isEmpty();
    }

    @Property(tries = 200, seed = "17")
    void noFrontMemberIsDominatedAndEveryOtherPointIs(
            @ForAll @Size(min = 1, max = 30) List<@DoubleRange(min = 0, max = 10) Double> xs,
            @ForAll @Size(min = 1, max = 30) List<@DoubleRange(min = 0, max = 10) Double> ys) {
        List<P> ps = new ArrayList<>();
        for (int i = 0; i < Math.min(xs.size(), ys.size()); i++) {
            ps.add(new P("p" + i, Math.rint(xs.get(i)), Math.rint(ys.get(i))));
        }
        List<P> front = Pareto.front(ps, P::x, Sense.MINIMIZE, P::y, Sense.MAXIMIZE);
        assertThat(front).isNotEmpty();
        for (P a : ps) {
            boolean dominated = ps.stream().anyMatch(b -> b.x() <= a.x() && b.y() >= a.y() && (b.x() < a.x() || b.y() > a.y()));
            assertThat(front.contains(a)).as(a.toString()).isEqualTo(!dominated);
        }
    }
}
