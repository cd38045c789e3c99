using Microsoft.CodeAnalysis;

namespace ActionGuard.Analyzers.Guarding;

/// <summary>The ActionGuard SDK symbols of one compilation; each is <see langword="null"/> when the SDK is not referenced.</summary>
internal sealed class GuardSymbols
{
    private GuardSymbols(Compilation compilation)
    {
        RequiresApprovalAttribute = compilation.GetTypeByMetadataName("ActionGuard.RequiresApprovalAttribute");
        SensitiveAttribute = compilation.GetTypeByMetadataName("ActionGuard.SensitiveAttribute");
        ActionGuard = compilation.GetTypeByMetadataName("ActionGuard.IActionGuard");
        ActionGuardExtensions = compilation.GetTypeByMetadataName("ActionGuard.ActionGuardExtensions");
        CancellationToken = compilation.GetTypeByMetadataName("System.Threading.CancellationToken");
    }

    public INamedTypeSymbol? RequiresApprovalAttribute { get; }

    public INamedTypeSymbol? SensitiveAttribute { get; }

    public INamedTypeSymbol? ActionGuard { get; }

    public INamedTypeSymbol? ActionGuardExtensions { get; }

    public INamedTypeSymbol? CancellationToken { get; }

    public static GuardSymbols Create(Compilation compilation) => new(compilation);

    /// <summary>Whether <paramref name="method"/> is <c>ExecuteAsync</c> of <c>IActionGuard</c>, its extensions, or an implementation.</summary>
    public bool IsGuardCall(IMethodSymbol method)
    {
        if (ActionGuard is null || method.Name != "ExecuteAsync")
        {
            return false;
        }

        var type = method.ContainingType;
        if (SymbolEqualityComparer.Default.Equals(type, ActionGuard) || SymbolEqualityComparer.Default.Equals(type, ActionGuardExtensions))
        {
            return true;
        }

        foreach (var iface in type.AllInterfaces)
        {
            if (SymbolEqualityComparer.Default.Equals(iface, ActionGuard))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Finds the <c>[RequiresApproval]</c> that applies to a method: its own, an overridden method's, or that of an
    /// interface member it implements (the run time reads the interface first; any of them puts the method under a guard).
    /// </summary>
    public AttributeData? FindApproval(IMethodSymbol method)
    {
        if (RequiresApprovalAttribute is null)
        {
            return null;
        }

        method = method.OriginalDefinition;
        for (var current = method; current is not null; current = current.OverriddenMethod)
        {
            if (FindOwn(current) is { } own)
            {
                return own;
            }
        }

        foreach (var implemented in method.ExplicitInterfaceImplementations)
        {
            if (FindOwn(implemented) is { } own)
            {
                return own;
            }
        }

        var type = method.ContainingType;
        if (type is null || method.IsStatic || type.TypeKind == TypeKind.Interface)
        {
            return null;
        }

        foreach (var member in ImplementedInterfaceMembers(method))
        {
            if (FindOwn(member) is { } own)
            {
                return own;
            }
        }

        return null;
    }

    /// <summary>The interface methods <paramref name="method"/> implements, explicitly or implicitly.</summary>
    public static System.Collections.Generic.IEnumerable<IMethodSymbol> ImplementedInterfaceMembers(IMethodSymbol method)
    {
        foreach (var implemented in method.ExplicitInterfaceImplementations)
        {
            yield return implemented;
        }

        var type = method.ContainingType;
        if (type is null || method.IsStatic || type.TypeKind == TypeKind.Interface)
        {
            yield break;
        }

        foreach (var iface in type.AllInterfaces)
        {
            foreach (var member in iface.GetMembers(method.Name))
            {
                if (member is IMethodSymbol candidate
                    && SymbolEqualityComparer.Default.Equals(type.FindImplementationForInterfaceMember(member)?.OriginalDefinition, method.OriginalDefinition))
                {
                    yield return candidate;
                }
            }
        }
    }

    /// <summary>The kind an approval attribute declares; <see cref="SensitiveKind.Ignore"/> for a custom kind.</summary>
    public static SensitiveKind KindOf(AttributeData attribute)
    {
        if (attribute.ConstructorArguments.Length != 1)
        {
            return SensitiveKind.Ignore;
        }

        // The wire names of ActionKind's constants; the analyzer tests compile against the SDK, so a rename fails them.
        return attribute.ConstructorArguments[0].Value as string switch
        {
            "data_export" => SensitiveKind.DataExport,
            "permission_change" => SensitiveKind.PermissionChange,
            "infrastructure_mutation" => SensitiveKind.InfrastructureMutation,
            _ => SensitiveKind.Ignore,
        };
    }

    public bool IsSensitiveParameter(IParameterSymbol parameter)
    {
        if (SensitiveAttribute is null)
        {
            return false;
        }

        foreach (var attribute in parameter.GetAttributes())
        {
            if (SymbolEqualityComparer.Default.Equals(attribute.AttributeClass, SensitiveAttribute))
            {
                return true;
            }
        }

        return false;
    }

    private AttributeData? FindOwn(IMethodSymbol method)
    {
        foreach (var attribute in method.GetAttributes())
        {
            if (SymbolEqualityComparer.Default.Equals(attribute.AttributeClass, RequiresApprovalAttribute))
            {
                return attribute;
            }
        }

        return null;
    }
}
