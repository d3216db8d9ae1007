package io.qmeter.eval.external;

import io.qmeter.engine.EngineHandle;
import io.qmeter.engine.Health;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

/** What the external drivers' tests share: a running engine's handle and stand-in executables. */
final class StandInTools {

    private StandInTools() {
    }

    /** A running engine serving {@code meta-llama/Llama-2-13b-hf} at {@code http://127.0.0.1:8000/}. */
    static final class Handle implements EngineHandle {
        @Override
        public URI baseUrl() {
            return URI.create("http://127.0.0.1:8000/");
        }

        @Override
        public String model() {
            return "meta-llama/Llama-2-13b-hf";
        }

        @Override
        public Health health() {
            return Health.up();
        }

        @Override
        public List<String> logTail(int maxLines) {
            return List.of();
        }

        @Override
        public void close() {
        }
    }

    /** Writes an executable shell script {@code dir/name} standing in for an external tool. */
    static Path script(Path dir, String name, String body) throws Exception {
        Path f = dir.resolve(name);
        Files.writeString(f, "#!/bin/sh\n" + body);
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rwxr-xr-x"));
        return f;
    }
}
