using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace ActionGuard.Analyzers.CodeFixes;

/// <summary>
/// AG0001–AG0003: wraps the statement in <c>await guard.ExecuteAsync(new GuardedAction(…), …)</c>, where an
/// <c>IActionGuard</c> (field, property, parameter or local) is in scope and the enclosing method is async.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(WrapInGuardCodeFixProvider))]
[Shared]
public sealed class WrapInGuardCodeFixProvider : CodeFixProvider
{
    /// <inheritdoc/>
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(
        RuleIdentifiers.UnguardedDataExport, RuleIdentifiers.UnguardedPermissionChange, RuleIdentifiers.UnguardedInfrastructureMutation);

    /// <inheritdoc/>
    public override FixAllProvider? GetFixAllProvider() => null;

    /// <inheritdoc/>
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        var model = await context.Document.GetSemanticModelAsync(context.CancellationToken).ConfigureAwait(false);
        if (root is null || model is null || model.Compilation.GetTypeByMetadataName("ActionGuard.IActionGuard") is not { } guardType)
        {
            return;
        }

        foreach (var diagnostic in context.Diagnostics)
        {
            if (CodeFixHelpers.KindOf(diagnostic) is not { } kind
                || root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true).FirstAncestorOrSelf<StatementSyntax>() is not ExpressionStatementSyntax { Parent: BlockSyntax } statement
                || statement.FirstAncestorOrSelf<MethodDeclarationSyntax>() is not { } method
                || !method.Modifiers.Any(SyntaxKind.AsyncKeyword)
                || statement.Ancestors().Any(a => a is AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax))
            {
                continue;
            }

            var guard = model.LookupSymbols(statement.SpanStart)
                .FirstOrDefault(s => SymbolEqualityComparer.Default.Equals(TypeOf(s), guardType) && s is not IMethodSymbol);
            if (guard is null)
            {
                continue;
            }

            context.RegisterCodeFix(
                CodeAction.Create(
                    $"Run in '{guard.Name}.ExecuteAsync' as {kind}",
                    ct => WrapAsync(context.Document, statement, method, model, guard.Name, kind, ct),
                    equivalenceKey: "WrapInGuard" + kind),
                diagnostic);
        }
    }

    private static ITypeSymbol? TypeOf(ISymbol symbol) => symbol switch
    {
        IFieldSymbol field => field.Type,
        IPropertySymbol property => property.Type,
        IParameterSymbol parameter => parameter.Type,
        ILocalSymbol local => local.Type,
        _ => null,
    };

    private static async Task<Document> WrapAsync(
        Document document,
        ExpressionStatementSyntax statement,
        MethodDeclarationSyntax method,
        SemanticModel model,
        string guardName,
        string kind,
        CancellationToken cancellationToken)
    {
        var root = (CompilationUnitSyntax)(await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false))!;
        var typeName = method.FirstAncestorOrSelf<TypeDeclarationSyntax>()?.Identifier.ValueText;
        var actionName = typeName is null ? method.Identifier.ValueText : typeName + "." + method.Identifier.ValueText;

        var tokenParameter = model.GetDeclaredSymbol(method, cancellationToken)?.Parameters
            .FirstOrDefault(p => p.Type.ToDisplayString() == "System.Threading.CancellationToken");
        var lambdaParameter = model.LookupSymbols(statement.SpanStart, name: "ct").IsEmpty ? "ct" : "approvedToken";
        var hasAwait = statement.DescendantNodes().Any(n => n is AwaitExpressionSyntax);

        // Laid out by hand: the formatter keeps line breaks it finds inside a lambda and would not indent them.
        var indent = statement.GetLeadingTrivia().LastOrDefault(t => t.IsKind(SyntaxKind.WhitespaceTrivia)).ToString();
        var inner = indent + "        ";
        var body = statement.WithoutLeadingTrivia().WithoutTrailingTrivia().ToFullString().Replace("\n", "\n        ");
        var newLine = "\n";
        var builder = new StringBuilder();
        builder.Append(indent).Append("await ").Append(guardName).Append(".ExecuteAsync(").Append(newLine);
        builder.Append(indent).Append("    new GuardedAction(ActionKind.").Append(kind).Append(", \"").Append(actionName).Append("\"),").Append(newLine);

        // An async lambda needs its return type spelled out: Task and ValueTask overloads of ExecuteAsync both accept it.
        builder.Append(indent).Append(hasAwait ? $"    async Task ({lambdaParameter}) =>" : $"    {lambdaParameter} =>").Append(newLine);
        builder.Append(indent).Append("    {").Append(newLine);
        builder.Append(inner).Append(body).Append(newLine);
        if (!hasAwait)
        {
            builder.Append(inner).Append("return Task.CompletedTask;").Append(newLine);
        }

        builder.Append(indent).Append(tokenParameter is null ? "    });" : "    },").Append(newLine);
        if (tokenParameter is not null)
        {
            builder.Append(indent).Append("    ").Append(tokenParameter.Name).Append(");").Append(newLine);
        }

        var wrapped = SyntaxFactory.ParseStatement(builder.ToString().Trim())
            .WithLeadingTrivia(statement.GetLeadingTrivia())
            .WithTrailingTrivia(statement.GetTrailingTrivia());

        root = root.ReplaceNode(statement, wrapped);
        root = CodeFixHelpers.AddUsing(root, "ActionGuard");
        root = CodeFixHelpers.AddUsing(root, "System.Threading.Tasks");
        return document.WithSyntaxRoot(root);
    }
}
