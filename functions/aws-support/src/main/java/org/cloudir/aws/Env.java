package org.cloudir.aws;

import java.util.Map;
import java.util.Optional;

/**
 * Holds a function's configuration: the process environment in Lambda, or the variables the
 * local worker resolves from template.yaml when it runs a handler in-process.
 */
public record Env(Map<String, String> variables) {

    public Env {
        variables = Map.copyOf(variables);
    }

    public static Env system() {
        return new Env(System.getenv());
    }

    public Optional<String> get(String name) {
        return Optional.ofNullable(variables.get(name)).filter(value -> !value.isBlank());
    }

    public String require(String name) {
        return get(name).orElseThrow(() -> new IllegalStateException(
                "environment variable " + name + " is not set; template.yaml sets it for the"
                        + " function that needs it"));
    }

    public boolean flag(String name) {
        return get(name).map("true"::equalsIgnoreCase).orElse(false);
    }
}
