package io.qmeter.client;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A byte-level HTTP/1.1 server on 127.0.0.1 for connection-handling tests: reads each request
 * (head and {@code Content-Length} body) and lets a script answer with raw bytes and decide whether
 * the connection stays open, closes, or closes without an answer. One thread per connection.
 */
final class RawServer implements AutoCloseable {

    /** What to do with one request: the number of the connection and of the request on it, from 0. */
    @FunctionalInterface
    interface Script {
        /** Writes the answer (or nothing); returns false to close the connection afterwards. */
        boolean answer(int connection, int requestOnConnection, String head, OutputStream out) throws IOException;
    }

    private final ServerSocket socket;
    private final Script script;
    final AtomicInteger connections = new AtomicInteger();
    final AtomicInteger requests = new AtomicInteger();

    RawServer(Script script) throws IOException {
        this(script, new ServerSocket(0, 50, InetAddress.getLoopbackAddress()));
    }

    /** Serves on a given (bound) socket, e.g. a TLS server socket. */
    RawServer(Script script, ServerSocket socket) {
        this.script = script;
        this.socket = socket;
        Thread t = new Thread(this::acceptLoop, "raw-server");
        t.setDaemon(true);
        t.start();
    }

    URI baseUrl() {
        return URI.create((socket instanceof javax.net.ssl.SSLServerSocket ? "https" : "http") + "://localhost:"
                + socket.getLocalPort());
    }

    private void acceptLoop() {
        while (!socket.isClosed()) {
            try {
                Socket s = socket.accept();
                int n = connections.getAndIncrement();
                Thread t = new Thread(() -> serve(s, n), "raw-server-conn-" + n);
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket s, int connection) {
        try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
            for (int k = 0; ; k++) {
                String head = readHead(in);
                if (head == null) {
                    return;
                }
                int length = 0;
                for (String line : head.split("\r\n")) {
                    if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                        length = Integer.parseInt(line.substring(15).trim());
                    }
                }
                in.readNBytes(length);
                requests.incrementAndGet();
                boolean keep = script.answer(connection, k, head, out);
                out.flush();
                if (!keep) {
                    return;
                }
            }
        } catch (IOException e) {
            // the client went away
        }
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int state = 0;
        int c;
        while ((c = in.read()) >= 0) {
            b.write(c);
            state = (c == '\r' && (state == 0 || state == 2)) || (c == '\n' && (state == 1 || state == 3))
                    ? state + 1 : (c == '\r' ? 1 : 0);
            if (state == 4) {
                return b.toString(StandardCharsets.ISO_8859_1);
            }
        }
        return null;
    }

    /** A chunked 200 SSE response carrying {@code body} in one chunk, with extra header lines. */
    static byte[] chunkedSse(byte[] body, String extraHeaders) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n"
                + extraHeaders + "\r\n" + Integer.toHexString(body.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
        b.writeBytes(body);
        b.writeBytes("\r\n0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        return b.toByteArray();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
