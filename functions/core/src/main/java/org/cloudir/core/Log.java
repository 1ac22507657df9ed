package org.cloudir.core;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintStream;
import java.time.Clock;

/**
 * Writes one JSON object per line with stable keys, so on-call responders can filter logs by
 * incident id, action, resource and outcome. Secret keys and session tokens are never passed in.
 */
public final class Log {
    private final String logger;
    private final Clock clock;
    private final PrintStream out;

    private Log(String logger, Clock clock, PrintStream out) {
        this.logger = logger;
        this.clock = clock;
        this.out = out;
    }

    public static Log forClass(Class<?> type) {
        return new Log(type.getSimpleName(), Clock.systemUTC(), System.out);
    }

    public void info(String message, Object... keyValues) {
        write("INFO", message, keyValues);
    }

    public void warn(String message, Object... keyValues) {
        write("WARN", message, keyValues);
    }

    public void error(String message, Object... keyValues) {
        write("ERROR", message, keyValues);
    }

    private void write(String level, String message, Object... keyValues) {
        if (keyValues.length % 2 != 0) {
            throw new IllegalArgumentException("keyValues must come in pairs");
        }
        ObjectNode line = Json.mapper().createObjectNode()
                .put("time", clock.instant().toString())
                .put("level", level)
                .put("logger", logger)
                .put("message", message);
        for (int i = 0; i < keyValues.length; i += 2) {
            line.putPOJO(String.valueOf(keyValues[i]), keyValues[i + 1]);
        }
        out.println(Json.write(line));
    }
}
