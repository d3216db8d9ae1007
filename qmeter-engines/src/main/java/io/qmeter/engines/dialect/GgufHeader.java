package io.qmeter.engines.dialect;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Reads {@code general.file_type} (llama.cpp's {@code llama_ftype}) from a GGUF file's metadata,
 * skipping every other key; the tensors are never read.
 */
final class GgufHeader {

    private static final int MAGIC = 0x46554747; // "GGUF", little-endian
    private static final long MAX_KEYS = 1L << 20;
    private static final long MAX_STRING = 1L << 26;

    private GgufHeader() {
    }

    /**
     * The file type the GGUF's metadata records.
     *
     * @param file a GGUF file
     * @return the {@code general.file_type} value; empty when the file is absent, unreadable, not a
     *         GGUF of version 2 or 3, or has no such key
     */
    static Optional<Integer> fileType(Path file) {
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            return Optional.empty();
        }
        try (InputStream raw = Files.newInputStream(file);
             DataInputStream in = new DataInputStream(new BufferedInputStream(raw, 1 << 16))) {
            if (Integer.reverseBytes(in.readInt()) != MAGIC) {
                return Optional.empty();
            }
            int version = Integer.reverseBytes(in.readInt());
            if (version < 2 || version > 3) {
                return Optional.empty();
            }
            u64(in); // tensor count
            long keys = u64(in);
            if (keys < 0 || keys > MAX_KEYS) {
                return Optional.empty();
            }
            for (long k = 0; k < keys; k++) {
                String key = string(in);
                int type = Integer.reverseBytes(in.readInt());
                if (key.equals("general.file_type") && (type == 4 || type == 5)) {
                    return Optional.of(Integer.reverseBytes(in.readInt()));
                }
                skip(in, type);
            }
            return Optional.empty();
        } catch (IOException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static long u64(DataInputStream in) throws IOException {
        return Long.reverseBytes(in.readLong());
    }

    private static String string(DataInputStream in) throws IOException {
        long n = u64(in);
        if (n < 0 || n > MAX_STRING) {
            throw new IllegalArgumentException("GGUF string of " + n + " bytes");
        }
        byte[] b = new byte[(int) n];
        in.readFully(b);
        return new String(b, StandardCharsets.UTF_8);
    }

    private static void skip(DataInputStream in, int type) throws IOException {
        switch (type) {
            case 0, 1, 7 -> skipBytes(in, 1);           // u8, i8, bool
            case 2, 3 -> skipBytes(in, 2);              // u16, i16
            case 4, 5, 6 -> skipBytes(in, 4);           // u32, i32, f32
            case 10, 11, 12 -> skipBytes(in, 8);        // u64, i64, f64
            case 8 -> skipBytes(in, checkedLength(u64(in)));
            case 9 -> {
                int elementType = Integer.reverseBytes(in.readInt());
                long count = u64(in);
                if (count < 0 || count > MAX_STRING) {
                    throw new IllegalArgumentException("GGUF array of " + count + " elements");
                }
                for (long i = 0; i < count; i++) {
                    skip(in, elementType);
                }
            }
            default -> throw new IllegalArgumentException("GGUF value type " + type);
        }
    }

    private static long checkedLength(long n) {
        if (n < 0 || n > MAX_STRING) {
            throw new IllegalArgumentException("GGUF string of " + n + " bytes");
        }
        return n;
    }

    private static void skipBytes(DataInputStream in, long n) throws IOException {
        long left = n;
        while (left > 0) {
            int step = in.skipBytes((int) Math.min(left, Integer.MAX_VALUE));
            if (step <= 0) {
                if (in.read() < 0) {
                    throw new EOFException();
                }
                step = 1;
            }
            left -= step;
        }
    }
}
