// Evaluation corpus: Azure.Storage.Blobs, Azure.ResourceManager and Azure.ResourceManager.Compute.
using System;
using System.Collections.Generic;
using System.IO;
using System.Threading.Tasks;
using Azure;
using Azure.Core;
using Azure.ResourceManager;
using Azure.ResourceManager.Compute;
using Azure.ResourceManager.Compute.Models;
using Azure.ResourceManager.Resources;
using Azure.ResourceManager.Resources.Models;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using Azure.Storage.Sas;

namespace Corpus.Azure;

public sealed class BlobTools(BlobServiceClient service)
{
    public async Task PublishAsync(string container, string name, Stream content)
    {
        var blob = service.GetBlobContainerClient(container).GetBlobClient(name); // quiet
        await blob.UploadAsync(content, overwrite: true); // AG0001
        var link = blob.GenerateSasUri(BlobSasPermissions.Read, DateTimeOffset.UtcNow.AddDays(7)); // AG0001
        Console.WriteLine(link);
    }

    public async Task StageAsync(string container, string name, Stream chunk)
    {
        var block = service.GetBlobContainerClient(container).GetBlockBlobClient(name); // quiet
        await block.StageBlockAsync("YmxvY2sx", chunk); // AG0001
        await block.CommitBlockListAsync(["YmxvY2sx"]); // AG0001
        await block.SyncUploadFromUriAsync(new Uri("https://partner.example/data.csv")); // AG0001
    }

    public async Task AppendLogAsync(string container, string name, Stream line)
    {
        var log = service.GetBlobContainerClient(container).GetAppendBlobClient(name); // quiet
        await log.CreateIfNotExistsAsync(); // AG0003
        await log.AppendBlockAsync(line); // AG0001
    }

    public async Task CopyOutAsync(BlobClient source, BlobClient target)
    {
        await target.StartCopyFromUriAsync(source.Uri); // AG0001
        target.SyncCopyFromUri(source.Uri); // AG0001
        using var stream = await target.OpenWriteAsync(overwrite: true); // AG0001
    }

    public async Task ShareContainerAsync(string container)
    {
        var client = service.GetBlobContainerClient(container); // quiet
        await client.SetAccessPolicyAsync(PublicAccessType.Blob); // AG0002
        client.SetAccessPolicy(PublicAccessType.BlobContainer); // AG0002
        var sas = client.GenerateSasUri(BlobContainerSasPermissions.List, DateTimeOffset.UtcNow.AddHours(1)); // AG0001
        var policy = await client.GetAccessPolicyAsync(); // quiet
    }

    public async Task HousekeepingAsync(string container, string name)
    {
        var client = service.GetBlobContainerClient(container); // quiet
        await client.CreateIfNotExistsAsync(); // AG0003
        await client.DeleteBlobIfExistsAsync(name); // AG0003
        await client.SetMetadataAsync(new Dictionary<string, string> { ["owner"] = "agent" }); // quiet
        await service.DeleteBlobContainerAsync("old"); // AG0003
        var blob = client.GetBlobClient(name); // quiet
        await blob.SetAccessTierAsync(AccessTier.Archive); // AG0003
        await blob.SetTagsAsync(new Dictionary<string, string> { ["stage"] = "done" }); // quiet
    }

    public async Task<string> ReadAsync(string container, string name)
    {
        var blob = service.GetBlobContainerClient(container).GetBlobClient(name); // quiet
        var exists = await blob.ExistsAsync(); // quiet
        var content = await blob.DownloadContentAsync(); // quiet
        var properties = await blob.GetPropertiesAsync(); // quiet
        await foreach (var item in service.GetBlobContainerClient(container).GetBlobsAsync()) // quiet
        {
            Console.WriteLine(item.Name);
        }

        return exists.Value + content.Value.Content.ToString() + properties.Value.ContentLength;
    }
}

public sealed class ComputeTools(ArmClient arm)
{
    public async Task RestartAsync(ResourceIdentifier id)
    {
        var vm = arm.GetVirtualMachineResource(id); // quiet
        var current = await vm.GetAsync(); // quiet
        await vm.PowerOffAsync(WaitUntil.Completed); // AG0003
        await vm.PowerOnAsync(WaitUntil.Completed); // AG0003
        await vm.RestartAsync(WaitUntil.Completed); // AG0003
        await vm.DeallocateAsync(WaitUntil.Completed); // AG0003
        Console.WriteLine(current.Value.Data.Name);
    }

    public async Task RunScriptAsync(ResourceIdentifier id)
    {
        var vm = arm.GetVirtualMachineResource(id); // quiet
        await vm.RunCommandAsync(WaitUntil.Completed, new RunCommandInput("RunShellScript")); // AG0003
        await vm.DeleteAsync(WaitUntil.Completed); // AG0003
    }

    public async Task ProvisionAsync(ResourceGroupResource group, VirtualMachineData data)
    {
        await group.GetVirtualMachines().CreateOrUpdateAsync(WaitUntil.Completed, "agent-vm", data); // AG0003
        await group.GetManagedDisks().CreateOrUpdateAsync(WaitUntil.Completed, "agent-disk", new ManagedDiskData(group.Data.Location)); // AG0003
        await foreach (var vm in group.GetVirtualMachines().GetAllAsync()) // quiet
        {
            Console.WriteLine(vm.Data.Name);
        }
    }

    public async Task ExportDiskAsync(ResourceIdentifier diskId)
    {
        var disk = arm.GetManagedDiskResource(diskId); // quiet
        await disk.GrantAccessAsync(WaitUntil.Completed, new GrantAccessData(AccessLevel.Read, 3600)); // AG0001
        await disk.RevokeAccessAsync(WaitUntil.Completed); // AG0003
        await disk.AddTagAsync("exported", "yes"); // AG0003
    }

    public async Task ResourceGroupsAsync(SubscriptionResource subscription)
    {
        var groups = subscription.GetResourceGroups(); // quiet
        var created = await groups.CreateOrUpdateAsync(WaitUntil.Completed, "agent-rg", new ResourceGroupData(AzureLocation.WestEurope)); // AG0003
        await created.Value.DeleteAsync(WaitUntil.Completed); // AG0003
        var exists = await groups.ExistsAsync("agent-rg"); // quiet
    }

    public async Task LockAsync(ResourceGroupResource group)
    {
        await group.GetManagementLocks().CreateOrUpdateAsync(WaitUntil.Completed, "no-delete", new ManagementLockData(ManagementLockLevel.CanNotDelete)); // AG0002
        await group.GetPolicyAssignments().CreateOrUpdateAsync(WaitUntil.Completed, "tags", new PolicyAssignmentData()); // AG0002
    }
}
