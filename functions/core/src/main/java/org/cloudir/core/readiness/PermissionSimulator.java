package org.cloudir.core.readiness;

import java.util.List;
import java.util.Map;

/**
 * Asks whether a principal's policies allow actions (IAM policy simulation in AWS). Kept behind
 * this interface because the local emulator does not simulate policies.
 */
public interface PermissionSimulator {

    /**
     * The simulation of one principal.
     *
     * @param available false when no simulation could be run; {@code note} then says why
     * @param decisions per action, the evaluation: "allowed", "implicitDeny" or "explicitDeny"
     */
    record Simulation(boolean available, String note, Map<String, String> decisions) {

        public Simulation {
            decisions = Map.copyOf(decisions);
        }

        public static Simulation unavailable(String note) {
            return new Simulation(false, note, Map.of());
        }
    }

    /** Simulates the actions for the principal on one resource ARN (or "*"). */
    Simulation simulate(String principalArn, List<String> actions, String resourceArn);
}
