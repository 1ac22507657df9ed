package org.cloudir.prepare.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.cloudir.aws.Env;
import org.cloudir.core.readiness.CheckStatus;
import org.cloudir.core.readiness.PermissionSimulator;
import org.cloudir.core.readiness.ReadinessCheck;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.SdkHttpFullRequest;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.iam.IamClient;

/**
 * The emulator has no IAM policy simulation, so the adapter is checked by the exact requests an
 * SDK execution interceptor captures, answered with canned IAM responses inside the JVM.
 */
class IamSimulationRequestsByInterceptorTest {
    private static final String ROLE = "arn:aws:iam::123456789012:role/ir-isolate";

    private final List<String> bodies = new ArrayList<>();

    private static String response(String... decisions) {
        StringBuilder results = new StringBuilder();
        for (String decision : decisions) {
            String[] pair = decision.split("=");
            results.append("<member><EvalActionName>").append(pair[0])
                    .append("</EvalActionName><EvalResourceName>*</EvalResourceName>")
                    .append("<EvalDecision>").append(pair[1]).append("</EvalDecision></member>");
        }
        return "<SimulatePrincipalPolicyResponse xmlns=\"https://iam.amazonaws.com/doc/"
                + "2010-05-08/\"><SimulatePrincipalPolicyResult><IsTruncated>false</IsTruncated>"
                + "<EvaluationResults>" + results + "</EvaluationResults>"
                + "</SimulatePrincipalPolicyResult><ResponseMetadata><RequestId>r</RequestId>"
                + "</ResponseMetadata></SimulatePrincipalPolicyResponse>";
    }

    private IamClient iam(String answer) {
        return IamClient.builder()
                .region(Region.AWS_GLOBAL)
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create("testing", "testing")))
                .httpClient(new CannedHttp("text/xml", answer))
                .overrideConfiguration(config -> config.addExecutionInterceptor(
                        new ExecutionInterceptor() {
                            @Override
                            public void beforeTransmission(Context.BeforeTransmission context,
                                    ExecutionAttributes attributes) {
                                bodies.add(body(context));
                            }
                        }))
                .build();
    }

    private static String body(Context.BeforeTransmission context) {
        try {
            // The query protocol sends the form in the request itself, not as a separate body.
            SdkHttpFullRequest request = (SdkHttpFullRequest) context.httpRequest();
            return URLDecoder.decode(new String(request.contentStreamProvider().orElseThrow()
                    .newStream().readAllBytes(),
                    StandardCharsets.UTF_8), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void interceptorSeesOneSimulationOfTheRoleActionsAndResource() {
        IamPermissionSimulator simulator = new IamPermissionSimulator(iam(response(
                "ec2:ModifyInstanceAttribute=allowed")));

        PermissionSimulator.Simulation simulation = simulator.simulate(ROLE,
                List.of("ec2:ModifyInstanceAttribute"),
                "arn:aws:ec2:us-east-1:123456789012:instance/*");

        assertThat(bodies).singleElement().satisfies(body -> assertThat(body)
                .contains("Action=SimulatePrincipalPolicy", "PolicySourceArn=" + ROLE,
                        "ActionNames.member.1=ec2:ModifyInstanceAttribute",
                        "ResourceArns.member.1=arn:aws:ec2:us-east-1:123456789012:instance/*"));
        assertThat(simulation.available()).isTrue();
        assertThat(simulation.decisions()).containsEntry("ec2:ModifyInstanceAttribute",
                "allowed");
    }

    @Test
    void deniedActionMakesThePlaybookRoleMissingAndNamesIt() {
        PermissionChecks checks = new PermissionChecks(new IamPermissionSimulator(iam(response(
                "ec2:DescribeInstances=allowed", "ec2:ModifyInstanceAttribute=explicitDeny",
                "ec2:ModifyNetworkInterfaceAttribute=allowed",
                "ec2:DisassociateIamInstanceProfile=implicitDeny"))));

        List<ReadinessCheck> results = checks.checks(new Env(Map.of(
                "ISOLATE_INSTANCE_ROLE_ARN", ROLE)), "us-east-1");

        assertThat(bodies).singleElement().satisfies(body -> assertThat(body)
                .contains("ActionNames.member.4=ec2:DisassociateIamInstanceProfile"));
        assertThat(results).filteredOn(check -> check.name().equals("permissions:isolate-instance"))
                .singleElement().satisfies(check -> {
                    assertThat(check.status()).isEqualTo(CheckStatus.MISSING);
                    assertThat(check.detail()).contains(
                            "ec2:ModifyInstanceAttribute (explicitDeny)",
                            "ec2:DisassociateIamInstanceProfile (implicitDeny)");
                });
        assertThat(results).filteredOn(check -> !check.name().endsWith("isolate-instance"))
                .allSatisfy(check -> assertThat(check.status()).isEqualTo(CheckStatus.UNKNOWN));
    }
}
