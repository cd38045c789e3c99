namespace ActionGuard.Server.Store;

/// <summary>The store cannot be used as configured, for example a database from a newer version of the server.</summary>
internal sealed class StoreException : Exception
{
    public StoreException()
    {
    }

    public StoreException(string message)
        : base(message)
    {
    }

    public StoreException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
