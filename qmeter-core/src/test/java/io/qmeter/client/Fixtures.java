package io.qmeter.client;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** Loads the recorded server responses under {@code src/test/resources/fixtures/sse}. */
public final class Fixtures {

    /** Every recorded file. */
    public static final List<String> ALL = List.of("llamacpp-chat-stream.txt", "llamacpp-completions-nonstream-logprobs.json",
            "llamacpp-completions-stream.txt", "llamacpp-completions-token-ids-stream.txt",
            "llamacpp-error-badjson.txt", "llamacpp-error-n2.txt", "llamacpp-metrics.txt", "llamacpp-models.json");

    private Fixtures() {
    }

    public static byte[] bytes(String name) {
        try (InputStream in = Fixtures.class.getResourceAsStream("/fixtures/sse/" + name)) {
            if (in == null) {
                throw new IllegalStateException("fixture " + name + " missing from the test classpath "
                        + "(expected under src/test/resources/fixtures/sse; copy it from shared/fixtures/sse)");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static String text(String name) {
        return new String(bytes(name), StandardCharsets.UTF_8);
    }

    /** A recorded raw HTTP response: status, headers, body. */
    public record RawResponse(int status, Map<String, String> headers, byte[] body) {
    }

    public static RawResponse rawResponse(String name) {
        byte[] all = bytes(name);
        int split = -1;
        for (int i = 0; i + 3 < all.length; i++) {
            if (all[i] == '\r' && all[i + 1] == '\n' && all[i + 2] == '\r' && all[i + 3] == '\n') {
                split = i;
                break;
            }
        }
        if (split < 0) {
            throw new IllegalStateException(name + " is not a raw HTTP response (no blank line after the headers)");
        }
        String[] lines = new String(all, 0, split, StandardCharsets.ISO_8859_1).split("\r\n");
        int status = Integer.parseInt(lines[0].split(" ")[1]);
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int c = lines[i].indexOf(':');
            headers.put(lines[i].substring(0, c), lines[i].substring(c + 1).strip());
        }
        byte[] body = java.util.Arrays.copyOfRange(all, split + 4, all.length);
        return new RawResponse(status, headers, body);
    }

    /** Splits bytes into pieces at random places (seeded). */
    public static List<byte[]> randomPieces(byte[] all, long seed, int maxPiece) {
        Random r = new Random(seed);
        List<byte[]> out = new ArrayList<>();
        int i = 0;
        while (i < all.length) {
            int n = Math.min(all.length - i, 1 + r.nextInt(maxPiece));
            out.add(java.util.Arrays.copyOfRange(all, i, i + n));
            i += n;
        }
        return out;
    }
}
