package org.cloudir.prepare.internal;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.cloudir.aws.AwsErrors;
import org.cloudir.core.readiness.PermissionSimulator;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.EvaluationResult;

/**
 * Simulates a role's policies with IAM's SimulatePrincipalPolicy. No context keys are passed,
 * so grants that depend on request tags or resource tags show as denied: the readiness
 * requirements list only unconditioned grants.
 */
public final class IamPermissionSimulator implements PermissionSimulator {
    private final IamClient iam;

    public IamPermissionSimulator(IamClient iam) {
        this.iam = iam;
    }

    @Override
    public Simulation simulate(String principalArn, List<String> actions, String resourceArn) {
        Map<String, String> decisions = new LinkedHashMap<>();
        List<EvaluationResult> results = AwsErrors.call("SimulatePrincipalPolicy "
                + principalArn, () -> iam.simulatePrincipalPolicyPaginator(request -> request
                        .policySourceArn(principalArn)
                        .actionNames(actions)
                        .resourceArns(resourceArn))
                .evaluationResults().stream().toList());
        for (EvaluationResult result : results) {
            decisions.put(result.evalActionName(), result.evalDecisionAsString());
        }
        return new Simulation(true, "simulated on " + resourceArn + " without context keys",
                decisions);
    }
}
