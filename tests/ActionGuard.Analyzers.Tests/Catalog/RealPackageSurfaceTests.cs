namespace ActionGuard.Analyzers.Tests.Catalog;

// The catalog checked against the real SDKs agents call, not stubs: every public method of each package is classified
// and compared with a reviewed golden file (Golden/<package>.txt). A catalog change or a package bump that moves a
// verdict fails here with the lines that moved; the new description is written beside the golden file as
// <package>.received.txt, to review and copy over.
public sealed class RealPackageSurfaceTests
{
    public static TheoryData<string> Packages => [.. RealPackage.Checked.Keys];

    [Theory]
    [MemberData(nameof(Packages))]
    public void Every_public_method_is_classified_as_the_reviewed_golden_file_says(string packageId)
    {
        var actual = PackageSurface.Describe(RealPackage.Checked[packageId]);
        var folder = Path.Combine(ActionGuard.TestSupport.SourceFiles.DirectoryOf(), "Golden");
        var goldenPath = Path.Combine(folder, packageId + ".txt");
        var receivedPath = Path.Combine(folder, packageId + ".received.txt");
        if (!File.Exists(goldenPath))
        {
            File.WriteAllText(receivedPath, actual);
            Assert.Fail($"There is no golden file for {packageId}; the surface was written to {receivedPath}. Review it and rename it to {packageId}.txt.");
        }

        var golden = File.ReadAllText(goldenPath).ReplaceLineEndings("\n");
        if (golden != actual)
        {
            File.WriteAllText(receivedPath, actual);
            var expectedLines = golden.Split('\n');
            var actualLines = actual.Split('\n');
            var removed = expectedLines.Except(actualLines).Take(40).Select(l => "- " + l);
            var added = actualLines.Except(expectedLines).Take(40).Select(l => "+ " + l);
            Assert.Fail($"The analyzer's verdicts on {packageId} differ from Golden/{packageId}.txt (received: {receivedPath}):\n"
                + string.Join("\n", removed.Concat(added)));
        }
    }

    [Fact]
    public void The_golden_files_flag_what_the_issue_found_missing()
    {
        // Calls the published samples made that the catalog of exact entries let through; each must now be flagged
        // by the family rules, read from the same descriptions the golden files hold.
        AssertVerdict("AWSSDK.EC2", "T:Amazon.EC2.IAmazonEC2", "AuthorizeSecurityGroupIngressAsync(", "InfrastructureMutation");
        AssertVerdict("AWSSDK.EC2", "T:Amazon.EC2.IAmazonEC2", "AllocateAddressAsync(", "InfrastructureMutation");
        AssertVerdict("AWSSDK.EC2", "T:Amazon.EC2.AmazonEC2Client", "CreateKeyPairAsync(", "PermissionChange");
        AssertVerdict("AWSSDK.S3", "T:Amazon.S3.AmazonS3Client", "PutACL(", "PermissionChange");
        AssertVerdict("AWSSDK.S3", "T:Amazon.S3.Transfer.TransferUtility", "UploadWithResponseAsync(", "DataExport");
        AssertVerdict("AWSSDK.EC2", "T:Amazon.EC2.IAmazonEC2", "DescribeInstancesAsync(", "-");
        AssertVerdict("AWSSDK.KeyManagementService", "T:Amazon.KeyManagementService.IAmazonKeyManagementService", "CreateGrantAsync(", "PermissionChange");
        AssertVerdict("AWSSDK.KeyManagementService", "T:Amazon.KeyManagementService.IAmazonKeyManagementService", "DecryptAsync(", "-");
        AssertVerdict("AWSSDK.S3", "T:Amazon.S3.IAmazonS3", "PutBucketEncryptionAsync(", "InfrastructureMutation");
        AssertVerdict("AWSSDK.S3", "T:Amazon.S3.IAmazonS3", "GetBucketPolicyAsync(", "-");
        AssertVerdict("Azure.Storage.Blobs", "T:Azure.Storage.Blobs.Specialized.BlockBlobClient", "CommitBlockList(", "DataExport");
        AssertVerdict("Azure.Storage.Blobs", "T:Azure.Storage.Blobs.Specialized.BlobBaseClient", "GenerateSasUri(", "DataExport");
        AssertVerdict("Azure.Storage.Blobs", "T:Azure.Storage.Blobs.BlobContainerClient", "SetAccessPolicy(", "PermissionChange");
        AssertVerdict("Azure.ResourceManager.Compute", "T:Azure.ResourceManager.Compute.ManagedDiskResource", "Delete(", "InfrastructureMutation");
        AssertVerdict("Azure.ResourceManager.Compute", "T:Azure.ResourceManager.Compute.ManagedDiskResource", "GrantAccess(", "DataExport");
        AssertVerdict("KubernetesClient", "T:k8s.AppsV1OperationsExtensions", "CreateNamespacedDaemonSetAsync(", "InfrastructureMutation");
        AssertVerdict("KubernetesClient", "T:k8s.AppsV1OperationsExtensions", "ReadNamespacedDaemonSetAsync(", "-");
        AssertVerdict("KubernetesClient", "T:k8s.GenericClient", "CreateNamespacedAsync", "InfrastructureMutation");
        AssertVerdict("KubernetesClient", "T:k8s.RbacAuthorizationV1OperationsExtensions", "DeleteClusterRoleBindingAsync(", "PermissionChange");
        AssertVerdict("Microsoft.Graph", "T:Microsoft.Graph.Groups.Item.Members.Ref.RefRequestBuilder", "DeleteAsync(", "PermissionChange");
        AssertVerdict("Microsoft.Graph", "T:Microsoft.Graph.Drives.Item.Items.Item.Invite.InviteRequestBuilder", "PostAsInvitePostResponseAsync(", "DataExport");
        AssertVerdict("Microsoft.Graph", "T:Microsoft.Graph.Users.UsersRequestBuilder", "PostAsync(", "PermissionChange");
        AssertVerdict("Google.Cloud.Storage.V1", "T:Google.Cloud.Storage.V1.StorageClient", "Create(", "-");
        AssertVerdict("Google.Cloud.Storage.V1", "T:Google.Cloud.Storage.V1.StorageClient", "DeleteBucketAsync(", "InfrastructureMutation");
    }

    private static void AssertVerdict(string packageId, string type, string memberStart, string verdict)
    {
        var description = Descriptions.GetOrAdd(packageId, id => PackageSurface.Describe(RealPackage.Checked[id]));
        var section = description.Split("\n\n").FirstOrDefault(s => s.StartsWith(type + "\n", StringComparison.Ordinal));
        var lines = (section ?? string.Empty).Split('\n').Skip(1).Where(l => l.Length > 26 && l[26..].StartsWith(memberStart, StringComparison.Ordinal)).ToList();
        Assert.True(lines.Count > 0, $"{type} lists no member starting '{memberStart}' in {packageId}.");
        Assert.All(lines, l => Assert.Equal(verdict, l[2..26].Trim()));
    }

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> Descriptions = new();
}
