package io.qmeter.search;

import io.qmeter.QMeter;
import io.qmeter.load.ArrivalProcess;
import io.qmeter.load.ConstantArrivals;
import io.qmeter.load.GammaArrivals;
import io.qmeter.load.PoissonArrivals;

/** The caller's arrival process at another rate: same family (and gamma burstiness), new rate. */
final class Rerate {

    private Rerate() {
    }

    /**
     * Checks that {@code caller} can be re-rated.
     *
     * @param caller the process the caller set, or null (Poisson then)
     * @param who    what needs it, for the message
     * @throws IllegalArgumentException for a trace or a process of the caller's own
     */
    static void check(ArrivalProcess caller, String who) {
        if (caller != null && !(caller instanceof PoissonArrivals || caller instanceof GammaArrivals
                || caller instanceof ConstantArrivals)) {
            throw new IllegalArgumentException(who + " runs the load at rates of its own and keeps the arrival "
                    + "process's family, but " + caller.name() + " has no rate to change; set poisson(...), "
                    + "gamma(..., burstiness) or constant(...) on the load builder (any rate: it is replaced)");
        }
    }

    /**
     * {@code caller} at {@code rate}.
     *
     * @param caller the caller's process (Poisson when null)
     * @param rate   requests per second, &gt; 0
     * @return the process
     */
    static ArrivalProcess at(ArrivalProcess caller, double rate) {
        if (caller instanceof GammaArrivals g) {
            return QMeter.gamma(rate, g.burstiness());
        }
        if (caller instanceof ConstantArrivals) {
            return QMeter.constant(rate);
        }
        return QMeter.poisson(rate);
    }
}
