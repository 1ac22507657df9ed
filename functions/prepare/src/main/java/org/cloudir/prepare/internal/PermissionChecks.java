package org.cloudir.prepare.internal;

import java.util.ArrayList;
import java.util.List;
import org.cloudir.aws.Env;
import org.cloudir.core.readiness.PermissionSimulator;
import org.cloudir.core.readiness.ReadinessCheck;
import org.cloudir.core.readiness.ResponderPermissions;

/**
 * Checks that each playbook function's role may do what its playbook needs, by simulating the
 * role's policies for the actions {@link ResponderPermissions} lists.
 */
public final class PermissionChecks {
    public static final String PREFIX = "permissions:";

    private final PermissionSimulator simulator;

    public PermissionChecks(PermissionSimulator simulator) {
        this.simulator = simulator;
    }

    public List<ReadinessCheck> checks(Env env, String region) {
        List<ReadinessCheck> checks = new ArrayList<>();
        for (ResponderPermissions.Requirement requirement : ResponderPermissions.PLAYBOOK_ROLES) {
            checks.add(check(requirement, env, region));
        }
        return checks;
    }

    private ReadinessCheck check(ResponderPermissions.Requirement requirement, Env env,
            String region) {
        String name = PREFIX + requirement.function();
        String roleArn = env.get(requirement.variable()).orElse(null);
        if (roleArn == null) {
            return ReadinessCheck.unknown(name, "environment variable " + requirement.variable()
                    + " is not set, so the " + requirement.function() + " role is not checked");
        }
        String[] parts = roleArn.split(":");
        if (parts.length < 6 || !parts[2].equals("iam") || !parts[5].startsWith("role/")) {
            return ReadinessCheck.unknown(name, requirement.variable() + " is '" + roleArn
                    + "', not an IAM role ARN");
        }
        PermissionSimulator.Simulation simulation;
        try {
            simulation = simulator.simulate(roleArn, requirement.actions(),
                    requirement.resourceArn(parts[1], region, parts[4]));
        } catch (RuntimeException e) {
            return Failures.unknown(name, "the policies of " + roleArn, e);
        }
        if (!simulation.available()) {
            return ReadinessCheck.unknown(name, simulation.note());
        }
        List<String> denied = new ArrayList<>();
        for (String action : requirement.actions()) {
            String decision = simulation.decisions().getOrDefault(action, "not simulated");
            if (!"allowed".equals(decision)) {
                denied.add(action + " (" + decision + ")");
            }
        }
        return denied.isEmpty()
                ? ReadinessCheck.ok(name, roleArn + " may " + requirement.actions() + "; "
                        + simulation.note())
                : ReadinessCheck.missing(name, roleArn + " may not " + denied + "; "
                        + simulation.note());
    }
}
