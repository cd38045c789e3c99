// Evaluation corpus: KubernetesClient, as a cluster-operations agent calls it.
using System.Collections.Generic;
using System.Threading.Tasks;
using k8s;
using k8s.Models;

namespace Corpus.Kubernetes;

public sealed class ClusterTools(IKubernetes client)
{
    public async Task<List<string>> PodsAsync(string ns)
    {
        var pods = await client.CoreV1.ListNamespacedPodAsync(ns); // quiet
        var names = new List<string>();
        foreach (var pod in pods.Items)
        {
            names.Add(pod.Metadata.Name);
        }

        var one = await client.CoreV1.ReadNamespacedPodAsync(names[0], ns); // quiet
        return names;
    }

    public async Task DeployAsync(string ns, V1Deployment deployment, V1DaemonSet agent, V1StatefulSet db)
    {
        await client.AppsV1.CreateNamespacedDeploymentAsync(deployment, ns); // AG0003
        await client.AppsV1.CreateNamespacedDaemonSetAsync(agent, ns); // AG0003
        await client.AppsV1.ReplaceNamespacedStatefulSetAsync(db, db.Metadata.Name, ns); // AG0003
        await client.AppsV1.PatchNamespacedDeploymentScaleAsync(new V1Patch("{\"spec\":{\"replicas\":0}}", V1Patch.PatchType.MergePatch), deployment.Metadata.Name, ns); // AG0003
        await client.AppsV1.DeleteNamespacedDaemonSetAsync(agent.Metadata.Name, ns); // AG0003
    }

    public async Task NamespaceAsync(string name)
    {
        await client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = name } }); // AG0003
        await client.CoreV1.DeleteNamespaceAsync(name); // AG0003
        client.CoreV1.CreateNamespace(new V1Namespace { Metadata = new V1ObjectMeta { Name = name } }); // AG0003
    }

    public async Task PodsMutateAsync(string ns, V1Pod pod)
    {
        await client.CoreV1.CreateNamespacedPodAsync(pod, ns); // AG0003
        await client.CoreV1.DeleteNamespacedPodAsync(pod.Metadata.Name, ns); // AG0003
        await client.CoreV1.PatchNamespacedPodAsync(new V1Patch("{}", V1Patch.PatchType.MergePatch), pod.Metadata.Name, ns); // AG0003
        await client.CoreV1.CreateNamespacedSecretAsync(new V1Secret(), ns); // AG0003
        var secret = await client.CoreV1.ReadNamespacedSecretAsync("db", ns); // quiet
    }

    public async Task RbacAsync(string ns, V1RoleBinding binding, V1ClusterRoleBinding clusterBinding)
    {
        await client.RbacAuthorizationV1.CreateNamespacedRoleBindingAsync(binding, ns); // AG0002
        await client.RbacAuthorizationV1.CreateClusterRoleBindingAsync(clusterBinding); // AG0002
        await client.RbacAuthorizationV1.DeleteClusterRoleBindingAsync(clusterBinding.Metadata.Name); // AG0002
        await client.CoreV1.CreateNamespacedServiceAccountAsync(new V1ServiceAccount(), ns); // AG0002
        var roles = await client.RbacAuthorizationV1.ListNamespacedRoleAsync(ns); // quiet
    }

    public async Task CustomAsync(string ns, object body)
    {
        await client.CustomObjects.CreateNamespacedCustomObjectAsync(body, "example.com", "v1", ns, "widgets"); // AG0003
        await client.CustomObjects.DeleteNamespacedCustomObjectAsync("example.com", "v1", ns, "widgets", "w1"); // AG0003
        var listed = await client.CustomObjects.ListNamespacedCustomObjectAsync("example.com", "v1", ns, "widgets"); // quiet
    }

    public async Task GenericAsync(GenericClient generic, string ns, V1ConfigMap map)
    {
        await generic.CreateNamespacedAsync(map, ns); // AG0003
        await generic.DeleteNamespacedAsync<V1ConfigMap>(ns, map.Metadata.Name); // AG0003
        var read = await generic.ReadNamespacedAsync<V1ConfigMap>(ns, map.Metadata.Name); // quiet
    }
}
