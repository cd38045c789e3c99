// Evaluation corpus: AWSSDK.EC2, AWSSDK.KeyManagementService and AWSSDK.SecurityToken, as infrastructure agents call them.
using System.Collections.Generic;
using System.Threading.Tasks;
using Amazon.EC2;
using Amazon.EC2.Model;
using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using Amazon.SecurityToken;
using Amazon.SecurityToken.Model;

namespace Corpus.Aws;

public sealed class FleetTools(IAmazonEC2 ec2)
{
    public async Task<List<string>> RunningAsync()
    {
        var described = await ec2.DescribeInstancesAsync(new DescribeInstancesRequest()); // quiet
        var ids = new List<string>();
        foreach (var reservation in described.Reservations ?? [])
        {
            foreach (var instance in reservation.Instances ?? [])
            {
                ids.Add(instance.InstanceId);
            }
        }

        return ids;
    }

    public async Task ScaleOutAsync(string imageId, int count)
    {
        await ec2.RunInstancesAsync(new RunInstancesRequest { ImageId = imageId, MinCount = count, MaxCount = count }); // AG0003
        await ec2.StartInstancesAsync(new StartInstancesRequest { InstanceIds = ["i-1"] }); // AG0003
    }

    public async Task ScaleInAsync(List<string> ids)
    {
        await ec2.StopInstancesAsync(new StopInstancesRequest { InstanceIds = ids }); // AG0003
        await ec2.TerminateInstancesAsync(new TerminateInstancesRequest { InstanceIds = ids }); // AG0003
        await ec2.RebootInstancesAsync(new RebootInstancesRequest { InstanceIds = ids }); // AG0003
    }

    public async Task OpenPortAsync(string groupId, int port)
    {
        await ec2.AuthorizeSecurityGroupIngressAsync(new AuthorizeSecurityGroupIngressRequest { GroupId = groupId }); // AG0003
        await ec2.RevokeSecurityGroupEgressAsync(new RevokeSecurityGroupEgressRequest { GroupId = groupId }); // AG0003
        var groups = await ec2.DescribeSecurityGroupsAsync(new DescribeSecurityGroupsRequest()); // quiet
    }

    public async Task NetworkAsync(string instanceId)
    {
        var address = await ec2.AllocateAddressAsync(new AllocateAddressRequest()); // AG0003
        await ec2.AssociateAddressAsync(new AssociateAddressRequest { InstanceId = instanceId, AllocationId = address.AllocationId }); // AG0003
        await ec2.ReleaseAddressAsync(new ReleaseAddressRequest { AllocationId = address.AllocationId }); // AG0003
        await ec2.CreateVpcAsync(new CreateVpcRequest { CidrBlock = "10.0.0.0/16" }); // AG0003
        await ec2.DeleteVpcAsync(new DeleteVpcRequest { VpcId = "vpc-1" }); // AG0003
    }

    public async Task AccessAsync(string name)
    {
        await ec2.CreateKeyPairAsync(new CreateKeyPairRequest { KeyName = name }); // AG0002
        await ec2.ImportKeyPairAsync(new ImportKeyPairRequest { KeyName = name }); // AG0002
        var pairs = await ec2.DescribeKeyPairsAsync(new DescribeKeyPairsRequest()); // quiet
    }

    public async Task ShareImageAsync(string imageId)
    {
        await ec2.CopyImageAsync(new CopyImageRequest { SourceImageId = imageId, SourceRegion = "eu-west-1", Name = "copy" }); // AG0001
        await ec2.ExportImageAsync(new ExportImageRequest { ImageId = imageId }); // AG0001
    }

    public async Task SnapshotAsync(string volumeId)
    {
        await ec2.CreateSnapshotAsync(new CreateSnapshotRequest { VolumeId = volumeId }); // AG0003
        await ec2.ModifyInstanceAttributeAsync(new ModifyInstanceAttributeRequest { InstanceId = "i-1" }); // AG0003
        await ec2.SendDiagnosticInterruptAsync(new SendDiagnosticInterruptRequest { InstanceId = "i-1" }); // AG0003
    }
}

public sealed class KeyTools(IAmazonKeyManagementService kms)
{
    public async Task DelegateAsync(string keyId, string principal)
    {
        await kms.CreateGrantAsync(new CreateGrantRequest { KeyId = keyId, GranteePrincipal = principal }); // AG0002
        await kms.PutKeyPolicyAsync(new PutKeyPolicyRequest { KeyId = keyId, Policy = "{}" }); // AG0002
        await kms.RevokeGrantAsync(new RevokeGrantRequest { KeyId = keyId, GrantId = "g" }); // AG0002
        var grants = await kms.ListGrantsAsync(new ListGrantsRequest { KeyId = keyId }); // quiet
    }

    public async Task LifecycleAsync(string keyId)
    {
        await kms.CreateKeyAsync(new CreateKeyRequest()); // AG0003
        await kms.ScheduleKeyDeletionAsync(new ScheduleKeyDeletionRequest { KeyId = keyId }); // AG0003
        await kms.DisableKeyAsync(new DisableKeyRequest { KeyId = keyId }); // AG0003
        await kms.EnableKeyRotationAsync(new EnableKeyRotationRequest { KeyId = keyId }); // AG0003
        var described = await kms.DescribeKeyAsync(new DescribeKeyRequest { KeyId = keyId }); // quiet
    }

    public async Task UseAsync(string keyId, System.IO.MemoryStream data)
    {
        var encrypted = await kms.EncryptAsync(new EncryptRequest { KeyId = keyId, Plaintext = data }); // quiet
        var decrypted = await kms.DecryptAsync(new DecryptRequest { CiphertextBlob = encrypted.CiphertextBlob }); // quiet
        var dataKey = await kms.GenerateDataKeyAsync(new GenerateDataKeyRequest { KeyId = keyId }); // quiet
    }
}

public sealed class CredentialTools(IAmazonSecurityTokenService sts)
{
    public async Task<string> ElevateAsync(string roleArn)
    {
        var assumed = await sts.AssumeRoleAsync(new AssumeRoleRequest { RoleArn = roleArn, RoleSessionName = "agent" }); // AG0002
        var federated = await sts.GetFederationTokenAsync(new GetFederationTokenRequest { Name = "partner" }); // AG0002
        var identity = await sts.GetCallerIdentityAsync(new GetCallerIdentityRequest()); // quiet
        return assumed.Credentials.AccessKeyId + federated.FederatedUser?.Arn + identity.Account;
    }
}
