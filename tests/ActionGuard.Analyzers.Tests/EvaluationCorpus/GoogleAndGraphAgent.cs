// Evaluation corpus: Google.Cloud.Storage.V1 and Microsoft.Graph, as a data and directory agent calls them.
using System;
using System.IO;
using System.Threading.Tasks;
using Google.Apis.Storage.v1.Data;
using Google.Cloud.Storage.V1;
using Microsoft.Graph;
using Microsoft.Graph.Models;

namespace Corpus.Cloud;

public sealed class GcsTools
{
    private readonly StorageClient _storage = StorageClient.Create(); // quiet

    public async Task PublishAsync(string bucket, string name, Stream content)
    {
        await _storage.UploadObjectAsync(bucket, name, "text/csv", content); // AG0001
        await _storage.CopyObjectAsync(bucket, name, "partner-bucket", name); // AG0001
    }

    public async Task ShareAsync(string bucket, Policy policy)
    {
        await _storage.SetBucketIamPolicyAsync(bucket, policy); // AG0002
        var current = await _storage.GetBucketIamPolicyAsync(bucket); // quiet
        Console.WriteLine(current.ETag);
    }

    public async Task HousekeepingAsync(string bucket, string name)
    {
        await _storage.DeleteObjectAsync(bucket, name); // AG0003
        await _storage.CreateBucketAsync("project", bucket); // AG0003
        await _storage.DeleteBucketAsync(bucket); // AG0003
    }

    public async Task<long> ReadAsync(string bucket, string name, Stream into)
    {
        var item = await _storage.GetObjectAsync(bucket, name); // quiet
        await _storage.DownloadObjectAsync(bucket, name, into); // quiet
        foreach (var listed in _storage.ListObjects(bucket)) // quiet
        {
            Console.WriteLine(listed.Name);
        }

        return (long)(item.Size ?? 0);
    }
}

public sealed class DirectoryTools(GraphServiceClient graph)
{
    public async Task OnboardAsync(string groupId)
    {
        var user = await graph.Users.PostAsync(new User { DisplayName = "Agent", AccountEnabled = true }); // AG0002
        await graph.Groups[groupId].Members.Ref.PostAsync(new ReferenceCreate { OdataId = "https://graph.microsoft.com/v1.0/directoryObjects/" + user!.Id }); // AG0002
        await graph.Users[user.Id].PatchAsync(new User { JobTitle = "Admin" }); // AG0002
    }

    public async Task OffboardAsync(string userId, string groupId)
    {
        await graph.Groups[groupId].Members[userId].Ref.DeleteAsync(); // AG0002
        await graph.Users[userId].DeleteAsync(); // AG0002
        await graph.RoleManagement.Directory.RoleAssignments.PostAsync(new UnifiedRoleAssignment { PrincipalId = userId, RoleDefinitionId = "r" }); // AG0002
    }

    public async Task SendAsync(string userId, Message message)
    {
        await graph.Users[userId].SendMail.PostAsync(new Microsoft.Graph.Users.Item.SendMail.SendMailPostRequestBody { Message = message }); // AG0001
        await graph.Drives["d"].Items["i"].CreateLink.PostAsync(new Microsoft.Graph.Drives.Item.Items.Item.CreateLink.CreateLinkPostRequestBody { Type = "view", Scope = "anonymous" }); // AG0001
    }

    public async Task<string?> ReadAsync(string userId)
    {
        var user = await graph.Users[userId].GetAsync(); // quiet
        var groups = await graph.Users[userId].MemberOf.GetAsync(); // quiet
        await graph.Users[userId].Events.PostAsync(new Event { Subject = "Review" }); // quiet
        return user?.DisplayName + groups?.Value?.Count;
    }
}
