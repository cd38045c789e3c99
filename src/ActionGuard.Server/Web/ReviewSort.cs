namespace ActionGuard.Server.Web;

/// <summary>The orders the review list offers.</summary>
internal enum ReviewSort
{
    /// <summary>Newest request first.</summary>
    Newest,

    /// <summary>Oldest request first.</summary>
    Oldest,

    /// <summary>The request that expires soonest first.</summary>
    Expiring,
}
