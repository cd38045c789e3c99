namespace ActionGuard.Tests.Interception;

// Attribute on the implementation; [Sensitive] once on the interface's parameter, once on the implementation's.
public interface ICustomerExporter
{
    Task<int> ExportAsync(string bucket, string key, [Sensitive] string apiKey, string password, CancellationToken cancellationToken);
}

public sealed class CustomerExporter(CallLog log) : ICustomerExporter
{
    [RequiresApproval(
        ActionKind.DataExport,
        Resource = "s3://{bucket}/{key}",
        Destination = "{{partner}}/{bucket}",
        Environment = "prod",
        Justification = "weekly report",
        TimeoutSeconds = 30)]
    public Task<int> ExportAsync(string bucket, string key, string apiKey, [Sensitive] string password, CancellationToken cancellationToken)
    {
        log.Add($"ExportAsync({bucket},{key})", cancellationToken);
        return Task.FromResult(1204);
    }
}

public interface IRefunds
{
    [RequiresApproval("payments.refund", Name = "refund-customer", Resource = "amount={amount};ratio={ratio}", Destination = "acct:{account}")]
    Task RefundAsync(string? account, decimal amount, double ratio);
}

public sealed class Refunds(CallLog log) : IRefunds
{
    public Task RefundAsync(string? account, decimal amount, double ratio)
    {
        log.Add("RefundAsync");
        return Task.CompletedTask;
    }
}

public interface IBothAttributed
{
    [RequiresApproval(ActionKind.PermissionChange, Name = "from-interface")]
    void Grant(string user);
}

public sealed class BothAttributed(CallLog log) : IBothAttributed
{
    [RequiresApproval(ActionKind.DataExport, Name = "from-implementation")]
    public void Grant(string user) => log.Add($"Grant({user})");
}

public interface IReportJob
{
    Task RunAsync(string report);
}

public abstract class ReportJobBase : IReportJob
{
    [RequiresApproval(ActionKind.DataExport)]
    public virtual Task RunAsync(string report) => Task.CompletedTask;
}

// Overrides without repeating the attribute: it is inherited.
public sealed class ReportJob(CallLog log) : ReportJobBase
{
    public override Task RunAsync(string report)
    {
        log.Add($"RunAsync({report})");
        return Task.CompletedTask;
    }
}

public interface IPurger
{
    void Purge(string table);
}

public sealed class ExplicitPurger(CallLog log) : IPurger
{
    [RequiresApproval(ActionKind.InfrastructureMutation, Resource = "table:{table}")]
    void IPurger.Purge(string table) => log.Add($"Purge({table})");
}

public interface IPermissions
{
    [RequiresApproval(ActionKind.PermissionChange)]
    void GrantRole(string user, string role);
}

public interface IAdmin : IPermissions
{
    string Ping();
}

public sealed class Admin(CallLog log) : IAdmin
{
    public void GrantRole(string user, string role) => log.Add($"GrantRole({user},{role})");

    public string Ping() => "pong";
}

// The implementation names its parameter differently; a template on the implementation uses its own names.
public interface IRenamed
{
    void Copy(string source);
}

#pragma warning disable CA1725 // The point of this type: the implementation renames the parameter.
public sealed class Renamed(CallLog log) : IRenamed
{
    [RequiresApproval(ActionKind.DataExport, Resource = "file:{path}")]
    public void Copy(string path) => log.Add($"Copy({path})");
}
#pragma warning restore CA1725

// Most application services are internal; the proxy must still be able to implement them.
internal interface IInternalService
{
    [RequiresApproval(ActionKind.PermissionChange)]
    string Revoke(string user);
}

internal sealed class InternalService(CallLog log) : IInternalService
{
    public string Revoke(string user)
    {
        log.Add($"Revoke({user})");
        return "revoked " + user;
    }
}
