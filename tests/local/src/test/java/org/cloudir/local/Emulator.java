package org.cloudir.local;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;

/**
 * Gives integration tests the emulator that scripts/test started (system property
 * {@code ir.endpoint}) and the stack deployed from template.yaml. Without an endpoint the
 * tests are skipped, so a plain {@code mvn install} still runs the unit tests.
 */
final class Emulator {
    private static LocalAws aws;
    private static Stack stack;

    private Emulator() {
    }

    static synchronized LocalAws aws() {
        String endpoint = System.getProperty("ir.endpoint", "");
        assumeTrue(!endpoint.isBlank(), "no emulator: run scripts/test (sets -Dir.endpoint)");
        if (aws == null) {
            aws = new LocalAws(endpoint);
        }
        return aws;
    }

    /** Deploys template.yaml once per test run; the deployment is idempotent anyway. */
    static synchronized Stack stack() {
        LocalAws local = aws();
        if (stack == null) {
            stack = LocalDeployment.deploy(local, Template.load(repositoryRoot()),
                    Drill.PARAMETERS);
        }
        return stack;
    }

    static Path repositoryRoot() {
        return Path.of(System.getProperty("ir.repo.root", "../..")).toAbsolutePath().normalize();
    }
}
