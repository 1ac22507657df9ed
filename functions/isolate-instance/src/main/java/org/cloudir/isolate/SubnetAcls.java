package org.cloudir.isolate;

import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.cloudir.aws.AwsErrors;
import org.cloudir.core.ResourceNotFoundException;
import org.cloudir.core.VerificationFailedException;
import org.cloudir.ec2.Ec2Instances;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.NetworkAcl;
import software.amazon.awssdk.services.ec2.model.NetworkAclAssociation;
import software.amazon.awssdk.services.ec2.model.NetworkAclEntry;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.RuleAction;
import software.amazon.awssdk.services.ec2.model.Subnet;
import software.amazon.awssdk.services.ec2.model.Tag;

/**
 * Reads and changes which network ACL a subnet uses, and keeps the responder's quarantine ACL
 * of a VPC: one per VPC, found again by its name tag, with no allow entries at all. A network
 * ACL is stateless, so unlike a security group change it also stops flows that were already
 * established; it acts on every interface of the subnet, not on one instance.
 */
final class SubnetAcls {
    static final String NAME_PREFIX = "ir-quarantine-";
    static final String MANAGED_TAG = "ir:managed";
    static final String ORIGINAL_TAG = "ir:original-nacl";

    private final Ec2Client ec2;

    SubnetAcls(Ec2Client ec2) {
        this.ec2 = ec2;
    }

    /** Names a subnet's current association with a network ACL. */
    record Association(String subnetId, String associationId, String aclId) {
    }

    /** Holds what the ir:original-nacl tag records: the ACL and association before quarantine. */
    record Original(String aclId, String associationId) {
        String format() {
            return "acl=" + aclId + ",association=" + associationId;
        }

        static Optional<Original> parse(String value) {
            if (value == null || value.isBlank()) {
                return Optional.empty();
            }
            Map<String, String> parts = new HashMap<>();
            for (String part : value.split(",")) {
                String[] pair = part.split("=", 2);
                parts.put(pair[0].trim(), pair.length > 1 ? pair[1].trim() : "");
            }
            String aclId = parts.getOrDefault("acl", "");
            return aclId.startsWith("acl-")
                    ? Optional.of(new Original(aclId, parts.getOrDefault("association", "")))
                    : Optional.empty();
        }
    }

    /** Returns the subnet's current association; every VPC subnet has exactly one. */
    Association association(String subnetId) {
        List<NetworkAcl> acls = AwsErrors.call("DescribeNetworkAcls", () -> ec2
                .describeNetworkAcls(request -> request.filters(filter -> filter
                        .name("association.subnet-id").values(subnetId)))
                .networkAcls());
        return acls.stream()
                .flatMap(acl -> acl.associations().stream())
                .filter(association -> subnetId.equals(association.subnetId()))
                .findFirst()
                .map(association -> new Association(subnetId,
                        association.networkAclAssociationId(), association.networkAclId()))
                .orElseThrow(() -> new ResourceNotFoundException("subnet " + subnetId
                        + " has no network ACL association; check that the subnet exists"));
    }

    Subnet subnet(String subnetId) {
        try {
            List<Subnet> found = ec2.describeSubnets(request -> request.subnetIds(subnetId))
                    .subnets();
            if (!found.isEmpty()) {
                return found.get(0);
            }
        } catch (SdkException e) {
            if (!AwsErrors.code(e).startsWith("InvalidSubnetID")) {
                throw AwsErrors.classify(e, "DescribeSubnets " + subnetId);
            }
        }
        throw new ResourceNotFoundException("subnet " + subnetId + " was not found in this"
                + " account and region");
    }

    Map<String, String> subnetTags(String subnetId) {
        return Ec2Instances.tags(subnet(subnetId).tags());
    }

    Map<String, String> vpcTags(String vpcId) {
        return AwsErrors.call("DescribeVpcs", () -> ec2.describeVpcs(request -> request
                        .vpcIds(vpcId)).vpcs()).stream()
                .findFirst()
                .map(vpc -> Ec2Instances.tags(vpc.tags()))
                .orElseThrow(() -> new ResourceNotFoundException("VPC " + vpcId
                        + " was not found in this account and region"));
    }

    /** Fails with ResourceNotFoundException unless the network ACL exists. */
    void requireAcl(String aclId, String purpose) {
        try {
            if (!ec2.describeNetworkAcls(request -> request.networkAclIds(aclId)).networkAcls()
                    .isEmpty()) {
                return;
            }
        } catch (SdkException e) {
            if (!AwsErrors.code(e).startsWith("InvalidNetworkAclID")
                    && !AwsErrors.code(e).startsWith("InvalidRouteTableID")) {
                throw AwsErrors.classify(e, "DescribeNetworkAcls " + aclId);
            }
        }
        throw new ResourceNotFoundException("network ACL " + aclId + " (" + purpose + ") no"
                + " longer exists; associate the subnet with an ACL by hand");
    }

    /**
     * Returns the VPC's quarantine ACL. Two incidents in one VPC may each create one at the
     * same moment (ACL names are not unique); both deny everything, and the lowest id is the
     * one every later run picks.
     */
    Optional<String> findQuarantine(String vpcId) {
        return describeQuarantine(vpcId).stream().findFirst().map(NetworkAcl::networkAclId);
    }

    /** Returns the VPC's quarantine ACL id, creating it on first use and removing any allows. */
    Quarantine ensureQuarantine(String vpcId, String incidentId) {
        List<NetworkAcl> found = describeQuarantine(vpcId);
        boolean created = found.isEmpty();
        NetworkAcl acl = created ? create(vpcId, incidentId) : found.get(0);
        boolean cleaned = removeAllows(acl);
        Set<String> all = new HashSet<>();
        found.forEach(each -> all.add(each.networkAclId()));
        all.add(acl.networkAclId());
        return new Quarantine(acl.networkAclId(), Set.copyOf(all), created || cleaned);
    }

    /**
     * Names the quarantine ACL, every quarantine ACL of the VPC (more than one only after a
     * race), and whether this run created it or took allow entries out.
     */
    record Quarantine(String aclId, Set<String> allIds, boolean changed) {
        boolean isQuarantine(String aclId) {
            return allIds.contains(aclId);
        }
    }

    /** Returns the VPC's quarantine ACLs, lowest id first. */
    private List<NetworkAcl> describeQuarantine(String vpcId) {
        List<NetworkAcl> acls = AwsErrors.call("DescribeNetworkAcls", () -> ec2
                .describeNetworkAcls(request -> request.filters(
                        filter -> filter.name("vpc-id").values(vpcId),
                        filter -> filter.name("tag:Name").values(NAME_PREFIX + vpcId),
                        filter -> filter.name("tag:" + MANAGED_TAG).values("true")))
                .networkAcls());
        return acls.stream().sorted(Comparator.comparing(NetworkAcl::networkAclId)).toList();
    }

    private NetworkAcl create(String vpcId, String incidentId) {
        // CreateNetworkAcl gives a new ACL only the unchangeable "*" deny rules (IPv4 and,
        // in a VPC with IPv6, IPv6): exactly the quarantine wanted, so no entry is added.
        NetworkAcl created = AwsErrors.call("CreateNetworkAcl in " + vpcId, () -> ec2
                .createNetworkAcl(request -> request.vpcId(vpcId)
                        .tagSpecifications(spec -> spec.resourceType(ResourceType.NETWORK_ACL)
                                .tags(tag -> tag.key("Name").value(NAME_PREFIX + vpcId),
                                        tag -> tag.key(MANAGED_TAG).value("true"),
                                        tag -> tag.key("ir:created-for").value(incidentId))))
                .networkAcl());
        // Describe may lag a create for a moment; the created ACL is right either way.
        return describeQuarantine(vpcId).stream().findFirst().orElse(created);
    }

    /** Deletes every allow entry (someone may have added one); returns true when it did. */
    private boolean removeAllows(NetworkAcl acl) {
        List<NetworkAclEntry> allows = allows(acl);
        for (NetworkAclEntry entry : allows) {
            try {
                ec2.deleteNetworkAclEntry(request -> request.networkAclId(acl.networkAclId())
                        .ruleNumber(entry.ruleNumber()).egress(entry.egress()));
            } catch (SdkException e) {
                // Another incident in the VPC may have removed it a moment ago.
                if (!"InvalidNetworkAclEntry.NotFound".equals(AwsErrors.code(e))) {
                    throw AwsErrors.classify(e, "DeleteNetworkAclEntry " + acl.networkAclId());
                }
            }
        }
        return !allows.isEmpty();
    }

    private static List<NetworkAclEntry> allows(NetworkAcl acl) {
        return acl.entries().stream()
                .filter(entry -> entry.ruleAction() == RuleAction.ALLOW)
                .toList();
    }

    /** Moves the subnet from its current ACL to another; returns the new association id. */
    String replace(Association current, String aclId) {
        return AwsErrors.call("ReplaceNetworkAclAssociation " + current.subnetId(), () -> ec2
                .replaceNetworkAclAssociation(request -> request
                        .associationId(current.associationId()).networkAclId(aclId))
                .newAssociationId());
    }

    void recordOriginal(String subnetId, Original original) {
        AwsErrors.run("CreateTags " + subnetId, () -> ec2.createTags(request -> request
                .resources(subnetId)
                .tags(Tag.builder().key(ORIGINAL_TAG).value(original.format()).build())));
    }

    void removeOriginal(String subnetId) {
        AwsErrors.run("DeleteTags " + subnetId, () -> ec2.deleteTags(request -> request
                .resources(subnetId).tags(Tag.builder().key(ORIGINAL_TAG).build())));
    }

    /** Re-reads the subnet's association and fails unless it is with the wanted ACL. */
    String verifyAssociated(String subnetId, String aclId) {
        Association now = association(subnetId);
        if (!aclId.equals(now.aclId())) {
            throw new VerificationFailedException("subnet " + subnetId + " uses network ACL "
                    + now.aclId() + " after associating it with " + aclId);
        }
        return "subnet " + subnetId + " uses network ACL " + aclId;
    }

    /** Re-reads the ACL and fails if any entry allows traffic, in either direction. */
    String verifyDenyAll(String aclId) {
        NetworkAcl acl = AwsErrors.call("DescribeNetworkAcls", () -> ec2
                .describeNetworkAcls(request -> request.networkAclIds(aclId))
                .networkAcls()).stream().findFirst()
                .orElseThrow(() -> new VerificationFailedException("quarantine network ACL "
                        + aclId + " is missing right after using it"));
        List<NetworkAclEntry> allows = allows(acl);
        if (!allows.isEmpty()) {
            throw new VerificationFailedException("quarantine network ACL " + aclId + " has "
                    + allows.size() + " allow entries (rules " + allows.stream()
                            .map(entry -> (entry.egress() ? "out " : "in ") + entry.ruleNumber())
                            .toList() + "); expected none");
        }
        return "network ACL " + aclId + " has no allow entries, inbound or outbound";
    }

    /** Returns the subnets still associated with an ACL (none when it no longer exists). */
    List<String> subnetsUsing(String aclId) {
        try {
            return ec2.describeNetworkAcls(request -> request.networkAclIds(aclId))
                    .networkAcls().stream()
                    .flatMap(acl -> acl.associations().stream())
                    .map(NetworkAclAssociation::subnetId)
                    .toList();
        } catch (SdkException e) {
            if (AwsErrors.code(e).startsWith("InvalidNetworkAclID")
                    || AwsErrors.code(e).startsWith("InvalidRouteTableID")) {
                return List.of();
            }
            throw AwsErrors.classify(e, "DescribeNetworkAcls " + aclId);
        }
    }
}
