package org.cloudir.local;

import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.ec2.model.Reservation;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.Tag;
import software.amazon.awssdk.services.ec2.model.TagSpecification;
import software.amazon.awssdk.services.iam.model.AccessKeyMetadata;
import software.amazon.awssdk.services.iam.model.NoSuchEntityException;

/**
 * Seeds a realistic victim in the emulator: a VPC with a subnet and a web security group, a
 * running instance with a root and a data volume, and an IAM user with an access key. Each
 * resource carries a drill tag and is reused when present, so repeated drills share one victim.
 */
public final class VictimSeeder {
    public static final String DRILL_TAG = "ir-drill";

    private final LocalAws aws;
    private final String name;

    /**
     * Creates a seeder.
     *
     * @param name the drill tag's value; tests use their own names to get their own victims
     */
    public VictimSeeder(LocalAws aws, String name) {
        this.aws = aws;
        this.name = name;
    }

    /** Returns the victim, creating whatever is missing. */
    public Victim ensure(String userName) {
        String vpcId = vpc();
        String subnetId = subnet(vpcId);
        String groupId = webGroup(vpcId);
        Instance instance = instance(subnetId, groupId);
        String accessKeyId = accessKey(userName);
        List<String> volumes = instance.blockDeviceMappings().stream()
                .map(mapping -> mapping.ebs().volumeId()).toList();
        return new Victim(vpcId, subnetId, groupId, instance.instanceId(), volumes, userName,
                accessKeyId, Map.of(
                        "i-0123456789abcdef0", instance.instanceId(),
                        "vpc-0123456789abcdef0", vpcId,
                        "subnet-0123456789abcdef0", subnetId,
                        "sg-0123456789abcdef0", groupId,
                        "AKIAIOSFODNN7EXAMPLE", accessKeyId,
                        "drill-user", userName));
    }

    private String vpc() {
        return aws.ec2.describeVpcs(request -> request.filters(tagFilter())).vpcs().stream()
                .findFirst()
                .map(vpc -> vpc.vpcId())
                .orElseGet(() -> aws.ec2.createVpc(request -> request.cidrBlock("10.20.0.0/16")
                        .tagSpecifications(tags(ResourceType.VPC, name + "-vpc")))
                        .vpc().vpcId());
    }

    private String subnet(String vpcId) {
        return aws.ec2.describeSubnets(request -> request.filters(tagFilter())).subnets()
                .stream().findFirst()
                .map(subnet -> subnet.subnetId())
                .orElseGet(() -> aws.ec2.createSubnet(request -> request.vpcId(vpcId)
                        .cidrBlock("10.20.1.0/24")
                        .availabilityZone(LocalAws.REGION + "a")
                        .tagSpecifications(tags(ResourceType.SUBNET, name + "-subnet")))
                        .subnet().subnetId());
    }

    private String webGroup(String vpcId) {
        return aws.ec2.describeSecurityGroups(request -> request.filters(tagFilter()))
                .securityGroups().stream().findFirst()
                .map(group -> group.groupId())
                .orElseGet(() -> {
                    String groupId = aws.ec2.createSecurityGroup(request -> request
                            .groupName(name + "-web")
                            .description("Drill victim: web server with SSH from an office range")
                            .vpcId(vpcId)
                            .tagSpecifications(tags(ResourceType.SECURITY_GROUP, name + "-web")))
                            .groupId();
                    aws.ec2.authorizeSecurityGroupIngress(request -> request.groupId(groupId)
                            .ipPermissions(permission -> permission.ipProtocol("tcp")
                                    .fromPort(22).toPort(22)
                                    .ipRanges(range -> range.cidrIp("203.0.113.0/24"))));
                    return groupId;
                });
    }

    private Instance instance(String subnetId, String groupId) {
        List<Instance> running = aws.ec2.describeInstances(request -> request.filters(
                        tagFilter(),
                        Filter.builder().name("instance-state-name").values("running").build()))
                .reservations().stream().map(Reservation::instances).flatMap(List::stream)
                .toList();
        if (!running.isEmpty()) {
            return running.get(0);
        }
        // The emulator knows about 1,300 public images: ask for Amazon Linux 2023 only.
        String imageId = aws.ec2.describeImages(request -> request.owners("amazon")
                        .filters(filter -> filter.name("name").values("al2023-ami-2023*-x86_64")))
                .images().get(0).imageId();
        return aws.ec2.runInstances(request -> request.imageId(imageId)
                        .instanceType("t3.micro")
                        .minCount(1).maxCount(1)
                        .subnetId(subnetId)
                        .securityGroupIds(groupId)
                        .blockDeviceMappings(
                                mapping -> mapping.deviceName("/dev/xvda")
                                        .ebs(ebs -> ebs.volumeSize(8)),
                                mapping -> mapping.deviceName("/dev/sdf")
                                        .ebs(ebs -> ebs.volumeSize(20)))
                        .tagSpecifications(tags(ResourceType.INSTANCE, name + "-web-01")))
                .instances().get(0);
    }

    private String accessKey(String userName) {
        try {
            aws.iam.getUser(request -> request.userName(userName));
        } catch (NoSuchEntityException missing) {
            aws.iam.createUser(request -> request.userName(userName)
                    .tags(tag -> tag.key(DRILL_TAG).value(name)));
        }
        return aws.iam.listAccessKeys(request -> request.userName(userName))
                .accessKeyMetadata().stream()
                .map(AccessKeyMetadata::accessKeyId)
                .findFirst()
                .orElseGet(() -> aws.iam.createAccessKey(request -> request.userName(userName))
                        .accessKey().accessKeyId());
    }

    private Filter tagFilter() {
        return Filter.builder().name("tag:" + DRILL_TAG).values(name).build();
    }

    private TagSpecification tags(ResourceType type, String resourceName) {
        return TagSpecification.builder().resourceType(type)
                .tags(Tag.builder().key(DRILL_TAG).value(name).build(),
                        Tag.builder().key("Name").value(resourceName).build())
                .build();
    }
}
