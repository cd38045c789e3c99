using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;

namespace ActionGuard.Analyzers.Classification;

/// <summary>
/// Classifies a process launch by its program and, where they are constant, its arguments: <c>kubectl delete</c>
/// mutates, <c>kubectl create rolebinding</c> and <c>aws iam attach-role-policy</c> change permissions, <c>scp</c>,
/// <c>rsync</c>, <c>aws s3 cp … s3://</c> and <c>curl -T</c> export. Read-only commands (<c>kubectl get</c>,
/// <c>terraform plan</c>) and programs that are not infrastructure tools are not sensitive.
/// </summary>
internal static class ProcessLaunchClassifier
{
    private static readonly HashSet<string> Shells = new(StringComparer.Ordinal) { "sh", "bash", "zsh", "dash", "cmd", "pwsh", "powershell" };
    private static readonly HashSet<string> KubectlMutations = new(StringComparer.Ordinal)
    {
        "create", "apply", "replace", "patch", "delete", "scale", "rollout", "set", "edit", "label", "annotate", "drain",
        "cordon", "uncordon", "taint", "run", "expose", "autoscale", "exec",
    };

    private static readonly HashSet<string> KubectlReadOnly = new(StringComparer.Ordinal)
    {
        "get", "describe", "logs", "top", "version", "explain", "api-resources", "config", "diff", "wait", "port-forward",
    };

    private static readonly HashSet<string> KubectlRbacObjects = new(StringComparer.Ordinal)
    {
        "rolebinding", "clusterrolebinding", "role", "clusterrole", "serviceaccount", "sa",
    };

    private static readonly HashSet<string> CloudMutationVerbs = new(StringComparer.Ordinal)
    {
        "create", "delete", "update", "set", "start", "stop", "restart", "deallocate", "deploy", "scale", "resize", "patch", "apply", "purge",
    };

    private static readonly string[] AwsMutationPrefixes =
    {
        "create-", "delete-", "put-", "update-", "modify-", "terminate-", "run-", "start-", "stop-", "reboot-", "attach-", "detach-",
        "authorize-", "revoke-", "associate-", "disassociate-", "replace-",
    };

    /// <param name="fileName">The program, or <see langword="null"/> when it is not a constant.</param>
    /// <param name="arguments">The arguments, or <see langword="null"/> when they are not constant.</param>
    /// <returns>The classification, or <see langword="null"/> when the launch is not sensitive.</returns>
    public static CallClassification? Classify(string? fileName, string? arguments)
    {
        if (fileName is null)
        {
            return new CallClassification(SensitiveKind.InfrastructureMutation, "launches a program chosen at run time");
        }

        var tool = ToolName(fileName);
        var args = arguments is null ? null : Tokenize(arguments);
        if (Shells.Contains(tool) && args is not null)
        {
            // "bash -c 'kubectl delete …'": classify the command the shell runs.
            var command = args.SkipWhile(a => a.StartsWith("-", StringComparison.Ordinal) || a.StartsWith("/", StringComparison.Ordinal)).ToList();
            if (command.Count == 0)
            {
                return null;
            }

            var inner = command.Count == 1 ? Tokenize(command[0]) : command;
            return inner.Count == 0 ? null : Classify(inner[0], string.Join(" ", inner.Skip(1)));
        }

        var words = args?.Where(a => !a.StartsWith("-", StringComparison.Ordinal)).Select(a => a.ToLowerInvariant()).ToList();
        switch (tool)
        {
            case "kubectl":
            case "oc":
                return Kubectl(tool, words);
            case "helm":
                return Verb(tool, words, SensitiveKind.InfrastructureMutation, w => w is "install" or "upgrade" or "uninstall" or "delete" or "rollback" ? SensitiveKind.InfrastructureMutation : w is "push" ? SensitiveKind.DataExport : null);
            case "terraform":
            case "tofu":
            case "pulumi":
                return Verb(tool, words, SensitiveKind.InfrastructureMutation, w => w is "apply" or "destroy" or "import" or "taint" or "untaint" or "state" or "up" ? SensitiveKind.InfrastructureMutation : null);
            case "az":
                return Azure(words);
            case "aws":
                return Aws(words);
            case "gcloud":
                return Gcloud(words);
            case "gsutil":
                return Verb(tool, words, SensitiveKind.DataExport, w => w is "cp" or "mv" or "rsync" ? SensitiveKind.DataExport : w is "iam" or "acl" ? SensitiveKind.PermissionChange : w is "rm" or "rb" or "mb" ? SensitiveKind.InfrastructureMutation : null);
            case "psql":
            case "mysql":
            case "sqlcmd":
                return Sql(tool, arguments);
            case "pg_dump":
            case "pg_dumpall":
            case "mysqldump":
            case "mongoexport":
            case "mongodump":
            case "bcp":
            case "scp":
            case "sftp":
            case "rsync":
            case "rclone":
                return new CallClassification(SensitiveKind.DataExport, $"runs '{tool}'");
            case "curl":
                return args is not null && args.Any(a => a is "-T" or "--upload-file" or "-F" or "--form" or "--data-binary" || a.StartsWith("-d@", StringComparison.Ordinal) || a.StartsWith("--data=@", StringComparison.Ordinal)) || (args is not null && HasDataFile(args))
                    ? new CallClassification(SensitiveKind.DataExport, "runs 'curl' uploading data")
                    : null;
            case "wget":
                return args is not null && args.Any(a => a.StartsWith("--post-file", StringComparison.Ordinal) || a.StartsWith("--body-file", StringComparison.Ordinal))
                    ? new CallClassification(SensitiveKind.DataExport, "runs 'wget' uploading data")
                    : null;
            case "docker":
            case "podman":
                return words is not null && words.Count > 0 && words[0] == "push" ? new CallClassification(SensitiveKind.DataExport, $"runs '{tool} push'") : null;
            default:
                return null;
        }
    }

    private static bool HasDataFile(List<string> args)
    {
        for (var i = 0; i + 1 < args.Count; i++)
        {
            if (args[i] is "-d" or "--data" or "--data-raw" && args[i + 1].StartsWith("@", StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    private static CallClassification? Kubectl(string tool, List<string>? words)
    {
        if (words is null)
        {
            return new CallClassification(SensitiveKind.InfrastructureMutation, $"runs '{tool}' with arguments chosen at run time");
        }

        if (words.Count == 0)
        {
            return null;
        }

        // The verb is the first known command word: "-n prod apply" puts a flag value before it.
        var verb = words.FirstOrDefault(w => KubectlMutations.Contains(w) || KubectlReadOnly.Contains(w) || w is "cp" or "auth");
        if (verb is null)
        {
            return null;
        }

        var verbIndex = words.IndexOf(verb);
        if (verb == "cp")
        {
            return new CallClassification(SensitiveKind.DataExport, $"runs '{tool} cp'");
        }

        if (verb == "auth" && verbIndex + 1 < words.Count && words[verbIndex + 1] == "reconcile")
        {
            return new CallClassification(SensitiveKind.PermissionChange, $"runs '{tool} auth reconcile'");
        }

        if (!KubectlMutations.Contains(verb))
        {
            return null;
        }

        if (verbIndex + 1 < words.Count && KubectlRbacObjects.Contains(words[verbIndex + 1]))
        {
            return new CallClassification(SensitiveKind.PermissionChange, $"runs '{tool} {verb} {words[verbIndex + 1]}'");
        }

        return new CallClassification(SensitiveKind.InfrastructureMutation, $"runs '{tool} {verb}'");
    }

    private static CallClassification? Verb(string tool, List<string>? words, SensitiveKind unknown, Func<string, SensitiveKind?> classify)
    {
        if (words is null)
        {
            return new CallClassification(unknown, $"runs '{tool}' with arguments chosen at run time");
        }

        return words.Count > 0 && classify(words[0]) is { } kind ? new CallClassification(kind, $"runs '{tool} {words[0]}'") : null;
    }

    private static CallClassification? Azure(List<string>? words)
    {
        if (words is null)
        {
            return new CallClassification(SensitiveKind.InfrastructureMutation, "runs 'az' with arguments chosen at run time");
        }

        var text = string.Join(" ", words);
        if ((words.Contains("role") && words.Contains("assignment") && (words.Contains("create") || words.Contains("delete")))
            || (words.Contains("ad") && (words.Contains("add") || words.Contains("create-for-rbac") || words.Contains("reset")))
            || (words.Contains("keyvault") && (words.Contains("set-policy") || words.Contains("delete-policy"))))
        {
            return new CallClassification(SensitiveKind.PermissionChange, $"runs 'az {text}'");
        }

        if (words.Count > 0 && words[0] == "storage" && words.Any(w => w is "upload" or "upload-batch" or "copy" or "sync" or "azcopy"))
        {
            return new CallClassification(SensitiveKind.DataExport, $"runs 'az {text}'");
        }

        return words.Any(CloudMutationVerbs.Contains) ? new CallClassification(SensitiveKind.InfrastructureMutation, $"runs 'az {text}'") : null;
    }

    private static CallClassification? Aws(List<string>? words)
    {
        if (words is null)
        {
            return new CallClassification(SensitiveKind.InfrastructureMutation, "runs 'aws' with arguments chosen at run time");
        }

        if (words.Count < 2)
        {
            return null;
        }

        string service = words[0], operation = words[1];
        var description = $"runs 'aws {service} {operation}'";
        if (service is "iam" or "sts" && !operation.StartsWith("get-", StringComparison.Ordinal) && !operation.StartsWith("list-", StringComparison.Ordinal))
        {
            return new CallClassification(SensitiveKind.PermissionChange, description);
        }

        if (service == "sts" && operation is "get-session-token" or "get-federation-token")
        {
            return new CallClassification(SensitiveKind.PermissionChange, description);
        }

        if (service == "s3")
        {
            if (operation is "cp" or "mv" or "sync")
            {
                return words[words.Count - 1].StartsWith("s3://", StringComparison.Ordinal) ? new CallClassification(SensitiveKind.DataExport, description) : null;
            }

            return operation is "rm" or "rb" or "mb" ? new CallClassification(SensitiveKind.InfrastructureMutation, description) : null;
        }

        if (service == "s3api")
        {
            if (operation is "put-bucket-policy" or "put-bucket-acl" or "put-object-acl" or "put-public-access-block" or "delete-public-access-block")
            {
                return new CallClassification(SensitiveKind.PermissionChange, description);
            }

            if (operation is "put-object" or "copy-object" or "upload-part" or "create-multipart-upload")
            {
                return new CallClassification(SensitiveKind.DataExport, description);
            }
        }

        return AwsMutationPrefixes.Any(p => operation.StartsWith(p, StringComparison.Ordinal))
            ? new CallClassification(SensitiveKind.InfrastructureMutation, description)
            : null;
    }

    private static CallClassification? Gcloud(List<string>? words)
    {
        if (words is null)
        {
            return new CallClassification(SensitiveKind.InfrastructureMutation, "runs 'gcloud' with arguments chosen at run time");
        }

        var text = string.Join(" ", words);
        if (words.Any(w => w.IndexOf("iam-policy", StringComparison.Ordinal) >= 0) || (words.Count > 0 && words[0] == "iam"))
        {
            return new CallClassification(SensitiveKind.PermissionChange, $"runs 'gcloud {text}'");
        }

        if (words.Count > 1 && words[0] == "storage" && words[1] is "cp" or "mv" or "rsync")
        {
            return new CallClassification(SensitiveKind.DataExport, $"runs 'gcloud {text}'");
        }

        return words.Any(CloudMutationVerbs.Contains) ? new CallClassification(SensitiveKind.InfrastructureMutation, $"runs 'gcloud {text}'") : null;
    }

    private static CallClassification? Sql(string tool, string? arguments)
    {
        if (arguments is null)
        {
            return new CallClassification(SensitiveKind.InfrastructureMutation, $"runs '{tool}' with arguments chosen at run time");
        }

        // psql -c "…": the quotes belong to the command line, not to the SQL.
        var text = string.Join(" ", Tokenize(arguments)).Replace("\\copy", "COPY");
        return SqlTextClassifier.Classify(text) is { } sql ? new CallClassification(sql.Kind, $"runs '{tool}' with {sql.Description}") : null;
    }

    private static string ToolName(string fileName)
    {
        var name = fileName.Trim().Trim('"');
        var slash = Math.Max(name.LastIndexOf('/'), name.LastIndexOf('\\'));
        if (slash >= 0)
        {
            name = name.Substring(slash + 1);
        }

        if (name.EndsWith(".exe", StringComparison.OrdinalIgnoreCase) || name.EndsWith(".cmd", StringComparison.OrdinalIgnoreCase))
        {
            name = name.Substring(0, name.Length - 4);
        }

        return name.ToLowerInvariant();
    }

    // Splits like a shell would for simple cases: whitespace separates, quotes group.
    internal static List<string> Tokenize(string text)
    {
        var tokens = new List<string>();
        var current = new StringBuilder();
        char quote = '\0';
        var inToken = false;
        foreach (var c in text)
        {
            if (quote != '\0')
            {
                if (c == quote)
                {
                    quote = '\0';
                }
                else
                {
                    current.Append(c);
                }
            }
            else if (c is '"' or '\'')
            {
                quote = c;
                inToken = true;
            }
            else if (char.IsWhiteSpace(c))
            {
                if (inToken)
                {
                    tokens.Add(current.ToString());
                    current.Clear();
                    inToken = false;
                }
            }
            else
            {
                current.Append(c);
                inToken = true;
            }
        }

        if (inToken)
        {
            tokens.Add(current.ToString());
        }

        return tokens;
    }
}
