package io.qmeter.analysis.figures;

import java.awt.Color;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The one colour per method that every figure uses: the colour-blind-safe Okabe-Ito palette, fixed
 * for the methods of qMeter's catalogue and chosen by a stable hash of the name for any other, so the
 * same method has the same colour in every figure, report and run of the program.
 *
 * <p>Fixed: FP16/BF16/F16 black, W8A16-INT blue, W4A16-INT sky blue, W8A8-INT orange, W8A8-FP bluish
 * green, W4A8KV4 vermillion, W4A8 reddish purple, W4A8KV8 yellow. A name is matched without regard to
 * case; a series name that starts with a known method and a space ({@code "W8A8-FP TP2"}) takes the
 * method's colour. Other names take one of the seven non-black colours by
 * {@link String#hashCode()}, which is specified and so stable.
 *
 * <pre>{@code
 * Color c = MethodColors.of("W4A16-INT");   // #56B4E9 in every figure
 * }</pre>
 */
public final class MethodColors {

    /** Okabe-Ito black. */
    public static final Color BLACK = new Color(0x000000);
    /** Okabe-Ito orange. */
    public static final Color ORANGE = new Color(0xE69F00);
    /** Okabe-Ito sky blue. */
    public static final Color SKY_BLUE = new Color(0x56B4E9);
    /** Okabe-Ito bluish green. */
    public static final Color BLUISH_GREEN = new Color(0x009E73);
    /** Okabe-Ito yellow. */
    public static final Color YELLOW = new Color(0xF0E442);
    /** Okabe-Ito blue. */
    public static final Color BLUE = new Color(0x0072B2);
    /** Okabe-Ito vermillion. */
    public static final Color VERMILLION = new Color(0xD55E00);
    /** Okabe-Ito reddish purple. */
    public static final Color REDDISH_PURPLE = new Color(0xCC79A7);

    /** The palette in Okabe and Ito's order. */
    public static final List<Color> OKABE_ITO = List.of(BLACK, ORANGE, SKY_BLUE, BLUISH_GREEN, YELLOW, BLUE,
            VERMILLION, REDDISH_PURPLE);

    private static final List<Color> HASHED = List.of(BLUE, VERMILLION, BLUISH_GREEN, REDDISH_PURPLE, ORANGE,
            SKY_BLUE, YELLOW);

    private static final Map<String, Color> FIXED = Map.ofEntries(
            Map.entry("FP16", BLACK), Map.entry("BF16", BLACK), Map.entry("F16", BLACK),
            Map.entry("W8A16-INT", BLUE), Map.entry("W4A16-INT", SKY_BLUE), Map.entry("W8A8-INT", ORANGE),
            Map.entry("W8A8-FP", BLUISH_GREEN), Map.entry("W4A8KV4", VERMILLION), Map.entry("W4A8", REDDISH_PURPLE),
            Map.entry("W4A8KV8", YELLOW),
            // llama.cpp's GGUF types take the colour of the seed method they stand closest to
            // (EngineCatalog: MMQ quantizes activations to Q8_1, so Q8_0 ~ W8A8-INT and Q4_0 ~ W4A8)
            Map.entry("Q8_0", ORANGE), Map.entry("Q4_0", REDDISH_PURPLE));

    private MethodColors() {
    }

    /**
     * The colour of a method (or of a series named after one).
     *
     * @param method the method's name, for example {@code "W8A8-FP"}
     * @return its colour, the same on every call
     */
    public static Color of(String method) {
        Objects.requireNonNull(method, "method");
        String key = method.trim().toUpperCase(Locale.ROOT);
        Color c = FIXED.get(key);
        if (c == null) {
            int space = key.indexOf(' ');
            if (space > 0) {
                c = FIXED.get(key.substring(0, space));
            }
        }
        if (c != null) {
            return c;
        }
        String base = key.indexOf(' ') > 0 ? key.substring(0, key.indexOf(' ')) : key;
        return HASHED.get(Math.floorMod(base.hashCode(), HASHED.size()));
    }

    /**
     * The colour as CSS hex, {@code #rrggbb}.
     *
     * @param method the method
     * @return the hex colour
     */
    public static String hex(String method) {
        Color c = of(method);
        return String.format(Locale.ROOT, "#%02x%02x%02x", c.getRed(), c.getGreen(), c.getBlue());
    }
}
