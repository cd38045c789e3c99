using System.Collections.Generic;
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
    /// <remarks>Fix All (and <c>dotnet format analyzers</c>) wraps every flagged statement once, each in the guard in its scope.</remarks>
    public override FixAllProvider? GetFixAllProvider() => FixAllProvider.Create(FixAllInDocumentAsync);

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
            if (Plan(root, model, guardType, diagnostic) is not { } plan)
            {
                continue;
            }

            context.RegisterCodeFix(
                CodeAction.Create(
                    $"Run in '{plan.GuardName}.ExecuteAsync' as {plan.Kind}",
                    ct => WrapAsync(context.Document, plan, model, ct),
                    equivalenceKey: "WrapInGuard" + plan.Kind),
                diagnostic);
        }
    }

    private static async Task<Document?> FixAllInDocumentAsync(FixAllContext context, Document document, ImmutableArray<Diagnostic> diagnostics)
    {
        var root = await document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        var model = await document.GetSemanticModelAsync(context.CancellationToken).ConfigureAwait(false);
        if (root is not CompilationUnitSyntax unit || model is null || model.Compilation.GetTypeByMetadataName("ActionGuard.IActionGuard") is not { } guardType)
        {
            return document;
        }

        var newLine = await CodeFixHelpers.NewLineOfAsync(document, unit, context.CancellationToken).ConfigureAwait(false);
        var wrapped = new Dictionary<ExpressionStatementSyntax, StatementSyntax>();
        foreach (var diagnostic in diagnostics.OrderBy(d => d.Location.SourceSpan.Start))
        {
            if (Plan(unit, model, guardType, diagnostic) is { } plan && !wrapped.ContainsKey(plan.Statement))
            {
                wrapped.Add(plan.Statement, Wrapped(plan, model, newLine, context.CancellationToken));
            }
        }

        if (wrapped.Count == 0)
        {
            return document;
        }

        unit = unit.ReplaceNodes(wrapped.Keys, (original, _) => wrapped[original]);
        unit = CodeFixHelpers.AddUsing(unit, "ActionGuard", newLine);
        unit = CodeFixHelpers.AddUsing(unit, "System.Threading.Tasks", newLine);
        return document.WithSyntaxRoot(unit);
    }

    // Where the statement can be wrapped: a plain statement in a block of an async method, with an IActionGuard in scope.
    private static WrapPlan? Plan(SyntaxNode root, SemanticModel model, INamedTypeSymbol guardType, Diagnostic diagnostic)
    {
        if (CodeFixHelpers.KindOf(diagnostic) is not { } kind
            || root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true).FirstAncestorOrSelf<StatementSyntax>() is not ExpressionStatementSyntax { Parent: BlockSyntax } statement
            || statement.FirstAncestorOrSelf<MethodDeclarationSyntax>() is not { } method
            || !method.Modifiers.Any(SyntaxKind.AsyncKeyword)
            || statement.Ancestors().Any(a => a is AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax))
        {
            return null;
        }

        var guard = model.LookupSymbols(statement.SpanStart)
            .FirstOrDefault(s => SymbolEqualityComparer.Default.Equals(TypeOf(s), guardType) && s is not IMethodSymbol);
        return guard is null ? null : new WrapPlan(statement, method, guard.Name, kind);
    }

    private static ITypeSymbol? TypeOf(ISymbol symbol) => symbol switch
    {
        IFieldSymbol field => field.Type,
        IPropertySymbol property => property.Type,
        IParameterSymbol parameter => parameter.Type,
        ILocalSymbol local => local.Type,
        _ => null,
    };

    private static async Task<Document> WrapAsync(Document document, WrapPlan plan, SemanticModel model, CancellationToken cancellationToken)
    {
        var root = (CompilationUnitSyntax)(await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false))!;
        var newLine = await CodeFixHelpers.NewLineOfAsync(document, root, cancellationToken).ConfigureAwait(false);
        root = root.ReplaceNode(plan.Statement, Wrapped(plan, model, newLine, cancellationToken));
        root = CodeFixHelpers.AddUsing(root, "ActionGuard", newLine);
        root = CodeFixHelpers.AddUsing(root, "System.Threading.Tasks", newLine);
        return document.WithSyntaxRoot(root);
    }

    private static StatementSyntax Wrapped(WrapPlan plan, SemanticModel model, string newLine, CancellationToken cancellationToken)
    {
        var statement = plan.Statement;
        var method = plan.Method;
        var guardName = plan.GuardName;
        var kind = plan.Kind;
        var typeName = method.FirstAncestorOrSelf<TypeDeclarationSyntax>()?.Identifier.ValueText;
        var actionName = typeName is null ? method.Identifier.ValueText : typeName + "." + method.Identifier.ValueText;

        var tokenParameter = model.GetDeclaredSymbol(method, cancellationToken)?.Parameters
            .FirstOrDefault(p => p.Type.ToDisplayString() == "System.Threading.CancellationToken");
        var lambdaParameter = model.LookupSymbols(statement.SpanStart, name: "ct").IsEmpty ? "ct" : "approvedToken";
        var hasAwait = statement.DescendantNodes().Any(n => n is AwaitExpressionSyntax);

        // Laid out by hand: the formatter keeps line breaks it finds inside a lambda and would not indent them.
        var indent = statement.GetLeadingTrivia().LastOrDefault(t => t.IsKind(SyntaxKind.WhitespaceTrivia)).ToString();
        var inner = indent + "        ";
        // The statement's own line breaks are kept as they are; only its continuation lines move in.
        var body = statement.WithoutLeadingTrivia().WithoutTrailingTrivia().ToFullString().Replace("\n", "\n        ");
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

        return SyntaxFactory.ParseStatement(builder.ToString().Trim())
            .WithLeadingTrivia(statement.GetLeadingTrivia())
            .WithTrailingTrivia(statement.GetTrailingTrivia());
    }

    private sealed class WrapPlan
    {
        public WrapPlan(ExpressionStatementSyntax statement, MethodDeclarationSyntax method, string guardName, string kind)
        {
            Statement = statement;
            Method = method;
            GuardName = guardName;
            Kind = kind;
        }

        public ExpressionStatementSyntax Statement { get; }

        public MethodDeclarationSyntax Method { get; }

        public string GuardName { get; }

        public string Kind { get; }
    }
}
