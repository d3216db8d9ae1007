package io.qmeter.bench;

import java.util.HashMap;
import java.util.Map;

/**
 * Minimal {@code --key value} argument parsing for the bench mains.
 *
 * <pre>{@code
 * Args a = Args.parse(args);
 * double rate = a.dbl("rate", 1000);
 * }</pre>
 */
public final class Args {

    private final Map<String, String> values;

    private Args(Map<String, String> values) {
        this.values = values;
    }

    /**
     * Parses {@code --key value} pairs.
     *
     * @param args the command line
     * @return the parsed arguments
     */
    public static Args parse(String[] args) {
        Map<String, String> m = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("expected --key value pairs, found '" + args[i] + "' at " + i);
            }
            m.put(args[i].substring(2), args[++i]);
        }
        return new Args(m);
    }

    /**
     * A string argument.
     *
     * @param key  its name
     * @param dflt the default
     * @return the value
     */
    public String str(String key, String dflt) {
        return values.getOrDefault(key, dflt);
    }

    /**
     * A number argument.
     *
     * @param key  its name
     * @param dflt the default
     * @return the value
     */
    public double dbl(String key, double dflt) {
        String v = values.get(key);
        return v == null ? dflt : Double.parseDouble(v);
    }

    /**
     * An integer argument.
     *
     * @param key  its name
     * @param dflt the default
     * @return the value
     */
    public int integer(String key, int dflt) {
        String v = values.get(key);
        return v == null ? dflt : Integer.parseInt(v);
    }
}
