using System;
using System.Collections.Immutable;
using System.Linq;
using ActionGuard.Analyzers.Guarding;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;

namespace ActionGuard.Analyzers;

/// <summary>
/// AG0005: a <c>[RequiresApproval]</c> Resource or Destination template that the registration would refuse at run time
/// (the same checks as <c>ActionTemplate.Parse</c> in the SDK).
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class ApprovalTemplateAnalyzer : DiagnosticAnalyzer
{
    private static readonly string[] TemplateProperties = { "Resource", "Destination" };

    /// <inheritdoc/>
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Rules.InvalidApprovalTemplate);

    /// <inheritdoc/>
    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterCompilationStartAction(start =>
        {
            var symbols = GuardSymbols.Create(start.Compilation);
            if (symbols.RequiresApprovalAttribute is null)
            {
                return;
            }

            start.RegisterSymbolAction(c => Analyze(c, symbols), SymbolKind.Method);
        });
    }

    private static void Analyze(SymbolAnalysisContext context, GuardSymbols symbols)
    {
        var method = (IMethodSymbol)context.Symbol;

        // Most methods carry no attribute at all: read that from the syntax, and bind attributes only where some are written.
        if (!HasAttributeSyntax(method, context.CancellationToken))
        {
            return;
        }

        foreach (var attribute in method.GetAttributes())
        {
            if (!SymbolEqualityComparer.Default.Equals(attribute.AttributeClass, symbols.RequiresApprovalAttribute))
            {
                continue;
            }

            foreach (var named in attribute.NamedArguments)
            {
                if (Array.IndexOf(TemplateProperties, named.Key) < 0 || named.Value.Value is not string template)
                {
                    continue;
                }

                if (Check(template, method, symbols) is { } problem)
                {
                    context.ReportDiagnostic(Diagnostic.Create(Rules.InvalidApprovalTemplate, Locate(attribute, named.Key, method), named.Key, template, problem));
                }
            }
        }
    }

    private static bool HasAttributeSyntax(IMethodSymbol method, System.Threading.CancellationToken cancellationToken)
    {
        foreach (var reference in method.DeclaringSyntaxReferences)
        {
            switch (reference.GetSyntax(cancellationToken))
            {
                case BaseMethodDeclarationSyntax { AttributeLists.Count: 0 }:
                case LocalFunctionStatementSyntax { AttributeLists.Count: 0 }:
                case AccessorDeclarationSyntax { AttributeLists.Count: 0 }:
                    continue;
                default:
                    return true;
            }
        }

        return false;
    }

    internal static string? Check(string template, IMethodSymbol method, GuardSymbols symbols)
    {
        var i = 0;
        while (i < template.Length)
        {
            var c = template[i];
            if (c == '{')
            {
                if (i + 1 < template.Length && template[i + 1] == '{')
                {
                    i += 2;
                    continue;
                }

                var close = template.IndexOf('}', i + 1);
                var nextOpen = template.IndexOf('{', i + 1);
                if (close < 0 || (nextOpen >= 0 && nextOpen < close))
                {
                    return $"has an unclosed '{{' at position {i}; write '{{{{' for a literal brace";
                }

                var name = template.Substring(i + 1, close - i - 1);
                if (name.Length == 0)
                {
                    return $"has an empty placeholder '{{}}' at position {i}";
                }

                var parameter = method.Parameters.FirstOrDefault(p => p.Name == name);
                if (parameter is null)
                {
                    var names = method.Parameters.Length == 0 ? "it has no parameters" : "its parameters are " + string.Join(", ", method.Parameters.Select(p => p.Name));
                    return $"names parameter '{name}', which '{method.Name}' does not have ({names})";
                }

                if (SymbolEqualityComparer.Default.Equals(parameter.Type, symbols.CancellationToken))
                {
                    return $"names parameter '{name}', a CancellationToken, which is not an argument of the action";
                }

                if (symbols.IsSensitiveParameter(parameter))
                {
                    return $"uses parameter '{name}', which is [Sensitive]: its value would reach the approver in clear text";
                }

                i = close + 1;
            }
            else if (c == '}')
            {
                if (i + 1 < template.Length && template[i + 1] == '}')
                {
                    i += 2;
                    continue;
                }

                return $"has a '}}' at position {i} that closes nothing; write '}}}}' for a literal brace";
            }
            else
            {
                i++;
            }
        }

        return null;
    }

    private static Location Locate(AttributeData attribute, string property, IMethodSymbol method)
    {
        if (attribute.ApplicationSyntaxReference?.GetSyntax() is AttributeSyntax syntax && syntax.ArgumentList is { } list)
        {
            foreach (var argument in list.Arguments)
            {
                if (argument.NameEquals?.Name.Identifier.ValueText == property)
                {
                    return argument.Expression.GetLocation();
                }
            }
        }

        return method.Locations.FirstOrDefault() ?? Location.None;
    }
}
