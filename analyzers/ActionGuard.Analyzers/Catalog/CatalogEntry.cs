namespace ActionGuard.Analyzers.Catalog;

/// <summary>
/// One sensitive API, or a family of them: a documentation-comment ID (or its wildcard form), what it does, and why.
/// </summary>
internal sealed class CatalogEntry
{
    public CatalogEntry(string id, SensitiveKind kind, string message, string containerFullName, string containerName, string? memberName)
    {
        Id = id;
        Kind = kind;
        Message = message;
        ContainerFullName = containerFullName;
        ContainerName = containerName;
        MemberName = memberName;
    }

    /// <summary>Initializes a family rule.</summary>
    public CatalogEntry(string id, SensitiveKind kind, string message, DocIdPattern family)
        : this(id, kind, message, family.LiteralNamespace, string.Empty, memberName: null)
    {
        Family = family;
    }

    /// <summary>Gets the ID as written, for example <c>M:Amazon.S3.IAmazonS3.PutObjectAsync</c>.</summary>
    public string Id { get; }

    public SensitiveKind Kind { get; }

    /// <summary>Gets the pattern of a family rule, or <see langword="null"/> for an entry naming one API.</summary>
    public DocIdPattern? Family { get; }

    public string Message { get; }

    /// <summary>
    /// Gets the containing type's metadata name, for example <c>Amazon.S3.IAmazonS3</c>; for a family rule, the
    /// namespace written out in front of its first wildcard.
    /// </summary>
    public string ContainerFullName { get; }

    /// <summary>Gets the containing type's simple name without arity, for example <c>IAmazonS3</c>.</summary>
    public string ContainerName { get; }

    /// <summary>Gets the member name (<c>.ctor</c> for constructors), or <see langword="null"/> for a whole type (<c>T:</c>).</summary>
    public string? MemberName { get; }

    /// <summary>Gets whether the ID has no parameter list, so it matches every overload.</summary>
    public bool IsTypeEntry => MemberName is null;

    public bool Matches(string declarationId)
    {
        // Roslyn appends "~ReturnType" to some IDs (conversion operators, and some methods returning types from
        // other documents); catalog IDs name the return type only when they need to.
        var tilde = declarationId.IndexOf('~');
        if (tilde >= 0 && Id.IndexOf('~') < 0)
        {
            declarationId = declarationId.Substring(0, tilde);
        }

        if (string.Equals(Id, declarationId, System.StringComparison.Ordinal))
        {
            return true;
        }

        // "M:N.T.M" without a parameter list names every overload, including generic ones ("M:N.T.M``1(...)").
        return Id.IndexOf('(') < 0
            && declarationId.Length > Id.Length
            && declarationId.StartsWith(Id, System.StringComparison.Ordinal)
            && (declarationId[Id.Length] == '(' || declarationId[Id.Length] == '`');
    }
}
