namespace ActionGuard.Tests.EndToEnd;

public interface IExporter
{
    [RequiresApproval(ActionKind.DataExport, Resource = "crm.customers", Destination = "{destination}", Justification = "quarterly report")]
    Task<int> ExportCustomersAsync(string destination, string note, [Sensitive] string apiKey, CancellationToken cancellationToken);
}
