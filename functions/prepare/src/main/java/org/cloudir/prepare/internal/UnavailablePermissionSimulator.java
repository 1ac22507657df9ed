package org.cloudir.prepare.internal;

import java.util.List;
import org.cloudir.core.readiness.PermissionSimulator;

/** Stands in where IAM policy simulation does not exist (the local emulator) and says so. */
public final class UnavailablePermissionSimulator implements PermissionSimulator {
    private final String reason;

    public UnavailablePermissionSimulator(String reason) {
        this.reason = reason;
    }

    @Override
    public Simulation simulate(String principalArn, List<String> actions, String resourceArn) {
        return Simulation.unavailable(reason);
    }
}
