package org.cloudir.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.cloudir.aws.AwsClients;
import org.cloudir.aws.Env;
import org.cloudir.core.Json;
import org.cloudir.core.model.ActionResult;
import org.cloudir.core.model.Incident;
import org.cloudir.core.model.Outcome;
import org.cloudir.core.triage.Triage;
import org.cloudir.isolate.IsolateInstanceHandler;
import org.cloudir.local.LocalAws;
import org.cloudir.local.SampleEvents;
import org.cloudir.local.Victim;
import org.cloudir.local.VictimSeeder;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.services.autoscaling.AutoScalingClient;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.GroupIdentifier;
import software.amazon.awssdk.services.ec2.model.SecurityGroup;
import software.amazon.awssdk.services.elasticloadbalancingv2.ElasticLoadBalancingV2Client;

/**
 * The storm benchmark found two incidents in one VPC racing to empty the new isolation group.
 * An interceptor plays the other incident: it revokes the group's rule just before this
 * handler does, so the race happens every time against the real emulator.
 */
class IsolationRaceTest {

    @Test
    void isolationSucceedsWhenAnotherIncidentRevokedTheRuleFirst() {
        String endpoint = System.getProperty("ir.endpoint", "");
        assumeTrue(!endpoint.isBlank(), "needs the emulator: run scripts/test");
        try (LocalAws aws = new LocalAws(endpoint)) {
            String name = "race-" + System.nanoTime();
            Victim victim = new VictimSeeder(aws, name).ensure(name + "-user");
            String groupId = aws.ec2.createSecurityGroup(r -> r.vpcId(victim.vpcId())
                    .groupName("ir-isolation-" + victim.vpcId())
                    .description("created as EC2 creates it: with an allow-all egress rule"))
                    .groupId();
            Env env = aws.envFor(Map.of());
            Ec2Client ec2 = AwsClients.configure(Ec2Client.builder(), env)
                    .overrideConfiguration(c -> c.addExecutionInterceptor(
                            new OtherIncidentRevokesFirst(aws, groupId)))
                    .build();

            ActionResult result = new IsolateInstanceHandler(ec2,
                    AwsClients.configure(AutoScalingClient.builder(), env).build(),
                    AwsClients.configure(ElasticLoadBalancingV2Client.builder(), env).build(),
                    env, Clock.systemUTC())
                    .handle(request(instanceIncident(victim)));

            assertThat(result.outcome()).isEqualTo(Outcome.DONE);
            SecurityGroup group = aws.ec2.describeSecurityGroups(r -> r.groupIds(groupId))
                    .securityGroups().get(0);
            assertThat(group.ipPermissionsEgress()).isEmpty();
            assertThat(aws.ec2.describeNetworkInterfaces(r -> r.filters(f -> f
                            .name("attachment.instance-id").values(victim.instanceId())))
                    .networkInterfaces().get(0).groups())
                    .extracting(GroupIdentifier::groupId).isEqualTo(List.of(groupId));
        }
    }

    private static Incident instanceIncident(Victim victim) {
        Path root = Path.of(System.getProperty("ir.repo.root", "../.."));
        ObjectNode finding = new SampleEvents(root).load("guardduty-ec2-backdoor.json",
                victim.placeholders());
        return new Triage(Clock.systemUTC(), false).triage(Json.write(finding));
    }

    private static ObjectNode request(Incident incident) {
        ObjectNode request = Json.mapper().createObjectNode();
        request.set("incident", Json.mapper().valueToTree(incident));
        return request;
    }

    /** Revokes the group's egress rules once, just before the handler's own revoke call. */
    private static final class OtherIncidentRevokesFirst implements ExecutionInterceptor {
        private final LocalAws aws;
        private final String groupId;
        private final AtomicBoolean done = new AtomicBoolean();

        OtherIncidentRevokesFirst(LocalAws aws, String groupId) {
            this.aws = aws;
            this.groupId = groupId;
        }

        @Override
        public void beforeExecution(Context.BeforeExecution context,
                ExecutionAttributes attributes) {
            String operation = attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
            if ("RevokeSecurityGroupEgress".equals(operation) && done.compareAndSet(false, true)) {
                SecurityGroup group = aws.ec2.describeSecurityGroups(r -> r.groupIds(groupId))
                        .securityGroups().get(0);
                aws.ec2.revokeSecurityGroupEgress(r -> r.groupId(groupId)
                        .ipPermissions(group.ipPermissionsEgress()));
            }
        }
    }
}
