package io.qmeter.analysis.profile;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * A set of configuration profiles, at most one per {@link ProfileKey}.
 *
 * <pre>{@code
 * ProfileSet chat = set.filter(p -> p.key().workload().equals("chat"));
 * }</pre>
 *
 * @param profiles the profiles, in insertion order
 */
public record ProfileSet(List<ConfigProfile> profiles) {

    /** Checks that keys are distinct and copies the list. */
    public ProfileSet {
        Map<ProfileKey, ConfigProfile> seen = new LinkedHashMap<>();
        for (ConfigProfile p : Objects.requireNonNull(profiles, "profiles")) {
            if (seen.put(p.key(), p) != null) {
                throw new IllegalArgumentException("two profiles for " + p.key().label());
            }
        }
        profiles = List.copyOf(profiles);
    }

    /**
     * A set.
     *
     * @param profiles the profiles
     * @return the set
     */
    public static ProfileSet of(List<ConfigProfile> profiles) {
        return new ProfileSet(profiles);
    }

    /**
     * The profiles that pass a test.
     *
     * @param test the test
     * @return a new set
     */
    public ProfileSet filter(Predicate<ConfigProfile> test) {
        List<ConfigProfile> out = new ArrayList<>();
        for (ConfigProfile p : profiles) {
            if (test.test(p)) {
                out.add(p);
            }
        }
        return new ProfileSet(out);
    }

    /**
     * The profiles of one workload.
     *
     * @param workload the workload's name
     * @return a new set
     */
    public ProfileSet forWorkload(String workload) {
        return filter(p -> p.key().workload().equals(workload));
    }

    /**
     * The profile of a key.
     *
     * @param key the key
     * @return the profile, or empty
     */
    public Optional<ConfigProfile> get(ProfileKey key) {
        return profiles.stream().filter(p -> p.key().equals(key)).findFirst();
    }

    /**
     * How many profiles.
     *
     * @return the count
     */
    public int size() {
        return profiles.size();
    }

    /**
     * Whether any profile is simulated.
     *
     * @return true when some figures come from the simulated engine
     */
    public boolean anySimulated() {
        return profiles.stream().anyMatch(ConfigProfile::simulated);
    }
}
