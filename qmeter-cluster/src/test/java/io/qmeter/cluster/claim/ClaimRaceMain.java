package io.qmeter.cluster.claim;

import io.qmeter.cluster.Pg;
import java.time.Clock;
import java.time.Duration;

/** Child process of {@link ClaimStoreTest}: tries every key of a plan once, prints {@code WON key} for each it got. */
public final class ClaimRaceMain {

    private ClaimRaceMain() {
    }

    public static void main(String[] args) {
        String plan = args[0];
        int keys = Integer.parseInt(args[1]);
        String owner = args[2];
        try (ClaimStore s = Pg.claims(Clock.systemUTC())) {
            for (int i = 0; i < keys; i++) {
                String key = plan + "/cfg-" + i;
                if (s.tryClaim(plan, key, owner, owner, Duration.ofMinutes(5)).isPresent()) {
                    System.out.println("WON " + key);
                }
            }
        }
        System.out.flush();
    }
}
