namespace ActionGuard.Tests.Interception;

public interface IUnknownParameter
{
    [RequiresApproval(ActionKind.DataExport, Resource = "s3://{bucket}/{key}")]
    Task ExportAsync(string bucket, string prefix, CancellationToken cancellationToken);
}

public sealed class UnknownParameter : IUnknownParameter
{
    public Task ExportAsync(string bucket, string prefix, CancellationToken cancellationToken) => Task.CompletedTask;
}

public interface INoParameters
{
    [RequiresApproval(ActionKind.DataExport, Destination = "{target}")]
    void Export();
}

public sealed class NoParameters : INoParameters
{
    public void Export()
    {
    }
}

public interface IUnclosedBrace
{
    [RequiresApproval(ActionKind.DataExport, Destination = "s3://{bucket")]
    void Export(string bucket);
}

public sealed class UnclosedBrace : IUnclosedBrace
{
    public void Export(string bucket)
    {
    }
}

public interface IStrayBrace
{
    [RequiresApproval(ActionKind.DataExport, Resource = "a}b")]
    void Export(string bucket);
}

public sealed class StrayBrace : IStrayBrace
{
    public void Export(string bucket)
    {
    }
}

public interface ISensitiveInTemplate
{
    [RequiresApproval(ActionKind.DataExport, Resource = "db://{user}:{password}@host")]
    void Connect(string user, [Sensitive] string password);
}

public sealed class SensitiveInTemplate : ISensitiveInTemplate
{
    public void Connect(string user, string password)
    {
    }
}

public interface ISensitiveOnImplementation
{
    [RequiresApproval(ActionKind.DataExport, Resource = "key={apiKey}")]
    void Upload(string apiKey);
}

public sealed class SensitiveOnImplementation : ISensitiveOnImplementation
{
    public void Upload([Sensitive] string apiKey)
    {
    }
}

public interface IOutParameter
{
    [RequiresApproval(ActionKind.DataExport)]
    bool TryExport(string bucket, out int rows);
}

public sealed class OutParameter : IOutParameter
{
    public bool TryExport(string bucket, out int rows)
    {
        rows = 0;
        return false;
    }
}

public interface IRefParameter
{
    [RequiresApproval(ActionKind.DataExport)]
    void Export(ref int counter);
}

public sealed class RefParameter : IRefParameter
{
    public void Export(ref int counter)
    {
    }
}

public interface IStreamReturn
{
    [RequiresApproval(ActionKind.DataExport)]
    IAsyncEnumerable<int> ExportAll();
}

public sealed class StreamReturn : IStreamReturn
{
    public IAsyncEnumerable<int> ExportAll() => throw new NotSupportedException();
}

public interface IAwaitableReturn
{
    [RequiresApproval(ActionKind.DataExport)]
    System.Runtime.CompilerServices.ConfiguredTaskAwaitable ExportAsync();
}

public sealed class AwaitableReturn : IAwaitableReturn
{
    public System.Runtime.CompilerServices.ConfiguredTaskAwaitable ExportAsync() => Task.CompletedTask.ConfigureAwait(false);
}

public interface IGenericMethod
{
    [RequiresApproval(ActionKind.DataExport)]
    Task ExportAsync<T>(T item);
}

public sealed class GenericMethod : IGenericMethod
{
    public Task ExportAsync<T>(T item) => Task.CompletedTask;
}

public interface ITokenInTemplate
{
    [RequiresApproval(ActionKind.DataExport, Resource = "{cancellationToken}")]
    Task ExportAsync(CancellationToken cancellationToken);
}

public sealed class TokenInTemplate : ITokenInTemplate
{
    public Task ExportAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

public interface INegativeTimeout
{
    [RequiresApproval(ActionKind.DataExport, TimeoutSeconds = -5)]
    void Export();
}

public sealed class NegativeTimeout : INegativeTimeout
{
    public void Export()
    {
    }
}

public class NotAnInterface
{
    [RequiresApproval(ActionKind.DataExport)]
    public virtual void Export()
    {
    }
}
