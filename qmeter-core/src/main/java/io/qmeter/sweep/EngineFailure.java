package io.qmeter.sweep;

import java.util.List;

/** An engine failed (start, death, hang) during a sweep; carries its log tail. */
final class EngineFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final transient List<String> logTail;

    EngineFailure(String message, List<String> logTail) {
        super(message);
        this.logTail = List.copyOf(logTail);
    }
}
