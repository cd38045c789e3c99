using System.Collections.Immutable;
using ActionGuard.Analyzers.Guarding;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace ActionGuard.Analyzers;

/// <summary>
/// AG0007: a parameter of a <c>[RequiresApproval]</c> method whose name or type says it is secret, without
/// <c>[Sensitive]</c> on it or on the interface parameter it implements.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class SensitiveParameterAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc/>
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Rules.SensitiveParameterNotMarked);

    /// <inheritdoc/>
    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterCompilationStartAction(start =>
        {
            var symbols = GuardSymbols.Create(start.Compilation);
            if (symbols.RequiresApprovalAttribute is null || symbols.SensitiveAttribute is null)
            {
                return;
            }

            start.RegisterSymbolAction(c => Analyze(c, symbols), SymbolKind.Method);
        });
    }

    private static void Analyze(SymbolAnalysisContext context, GuardSymbols symbols)
    {
        var method = (IMethodSymbol)context.Symbol;
        if (!HasOwnApproval(method, symbols))
        {
            return;
        }

        foreach (var parameter in method.Parameters)
        {
            if (SymbolEqualityComparer.Default.Equals(parameter.Type, symbols.CancellationToken) || IsMarked(parameter, method, symbols))
            {
                continue;
            }

            var reason = SecretType(parameter.Type) is { } type
                ? "its type is " + type
                : SecretNames.Match(parameter.Name) is { } term ? "its name contains '" + term + "'" : null;
            if (reason is not null && parameter.Locations.Length > 0)
            {
                context.ReportDiagnostic(Diagnostic.Create(Rules.SensitiveParameterNotMarked, parameter.Locations[0], parameter.Name, method.ContainingType.Name + "." + method.Name, reason));
            }
        }
    }

    private static bool HasOwnApproval(IMethodSymbol method, GuardSymbols symbols)
    {
        foreach (var attribute in method.GetAttributes())
        {
            if (SymbolEqualityComparer.Default.Equals(attribute.AttributeClass, symbols.RequiresApprovalAttribute))
            {
                return true;
            }
        }

        return false;
    }

    // The run time honours [Sensitive] on the interface parameter or the implementation parameter.
    private static bool IsMarked(IParameterSymbol parameter, IMethodSymbol method, GuardSymbols symbols)
    {
        if (symbols.IsSensitiveParameter(parameter))
        {
            return true;
        }

        foreach (var implemented in GuardSymbols.ImplementedInterfaceMembers(method))
        {
            if (parameter.Ordinal < implemented.Parameters.Length && symbols.IsSensitiveParameter(implemented.Parameters[parameter.Ordinal]))
            {
                return true;
            }
        }

        for (var overridden = method.OverriddenMethod; overridden is not null; overridden = overridden.OverriddenMethod)
        {
            if (parameter.Ordinal < overridden.Parameters.Length && symbols.IsSensitiveParameter(overridden.Parameters[parameter.Ordinal]))
            {
                return true;
            }
        }

        return false;
    }

    private static string? SecretType(ITypeSymbol type)
    {
        var name = type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat);
        return name switch
        {
            "global::System.Security.SecureString" => "SecureString",
            "global::System.Net.NetworkCredential" => "NetworkCredential",
            "global::System.Security.Cryptography.X509Certificates.X509Certificate2" => "X509Certificate2",
            "global::System.Security.Cryptography.RSA" or "global::System.Security.Cryptography.ECDsa" => type.Name + " (a private key)",
            _ => null,
        };
    }
}
