using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Composition;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Formatting;

namespace ActionGuard.Analyzers.CodeFixes;

/// <summary>AG0001–AG0003: adds <c>[RequiresApproval(ActionKind.X)]</c> to the enclosing method, with the finding's kind.</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(AddRequiresApprovalCodeFixProvider))]
[Shared]
public sealed class AddRequiresApprovalCodeFixProvider : CodeFixProvider
{
    /// <inheritdoc/>
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(
        RuleIdentifiers.UnguardedDataExport, RuleIdentifiers.UnguardedPermissionChange, RuleIdentifiers.UnguardedInfrastructureMutation);

    /// <inheritdoc/>
    /// <remarks>
    /// Fix All (and <c>dotnet format analyzers</c>) gives each method one attribute, the kind of its first finding:
    /// the attribute is single-use, so a method that also does another kind of thing keeps that finding to decide on.
    /// </remarks>
    public override FixAllProvider? GetFixAllProvider() => FixAllProvider.Create(FixAllInDocumentAsync);

    /// <inheritdoc/>
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        foreach (var diagnostic in context.Diagnostics)
        {
            if (CodeFixHelpers.KindOf(diagnostic) is not { } kind || root?.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true) is not { } node)
            {
                continue;
            }

            // The attribute is single-use: a method that has one for another kind cannot take a second.
            if (EnclosingMethod(node) is not { } method || method.AttributeLists.SelectMany(l => l.Attributes).Any(IsRequiresApproval))
            {
                continue;
            }

            context.RegisterCodeFix(
                CodeAction.Create(
                    $"Add [RequiresApproval(ActionKind.{kind})] to '{method.Identifier.ValueText}'",
                    ct => AddAttributeAsync(context.Document, method, kind, ct),
                    equivalenceKey: "AddRequiresApproval" + kind),
                diagnostic);
        }
    }

    private static async Task<Document> AddAttributeAsync(Document document, MethodDeclarationSyntax method, string kind, CancellationToken cancellationToken)
    {
        var root = (CompilationUnitSyntax)(await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false))!;
        var newLine = await CodeFixHelpers.NewLineOfAsync(document, root, cancellationToken).ConfigureAwait(false);
        root = root.ReplaceNode(method, WithAttribute(method, kind, newLine));
        return document.WithSyntaxRoot(CodeFixHelpers.AddUsing(root, "ActionGuard", newLine));
    }

    private static async Task<Document?> FixAllInDocumentAsync(FixAllContext context, Document document, ImmutableArray<Diagnostic> diagnostics)
    {
        if (await document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false) is not CompilationUnitSyntax root)
        {
            return document;
        }

        var kinds = new Dictionary<MethodDeclarationSyntax, string>();
        foreach (var diagnostic in diagnostics.OrderBy(d => d.Location.SourceSpan.Start))
        {
            if (CodeFixHelpers.KindOf(diagnostic) is { } kind
                && EnclosingMethod(root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true)) is { } method
                && !kinds.ContainsKey(method)
                && !method.AttributeLists.SelectMany(l => l.Attributes).Any(IsRequiresApproval))
            {
                kinds.Add(method, kind);
            }
        }

        if (kinds.Count == 0)
        {
            return document;
        }

        var newLine = await CodeFixHelpers.NewLineOfAsync(document, root, context.CancellationToken).ConfigureAwait(false);
        root = root.ReplaceNodes(kinds.Keys, (original, rewritten) => WithAttribute(rewritten, kinds[original], newLine));
        return document.WithSyntaxRoot(CodeFixHelpers.AddUsing(root, "ActionGuard", newLine));
    }

    // Only where the method's own body runs the call: a lambda or local function may run outside it.
    private static MethodDeclarationSyntax? EnclosingMethod(SyntaxNode node) =>
        node.FirstAncestorOrSelf<SyntaxNode>(n => n is MethodDeclarationSyntax or AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax) as MethodDeclarationSyntax;

    private static bool IsRequiresApproval(AttributeSyntax attribute) =>
        attribute.Name.ToString() is "RequiresApproval" or "RequiresApprovalAttribute" or "ActionGuard.RequiresApproval" or "ActionGuard.RequiresApprovalAttribute";

    private static MethodDeclarationSyntax WithAttribute(MethodDeclarationSyntax method, string kind, string newLine)
    {
        var attribute = SyntaxFactory.AttributeList(SyntaxFactory.SingletonSeparatedList(
            SyntaxFactory.Attribute(
                SyntaxFactory.IdentifierName("RequiresApproval"),
                SyntaxFactory.ParseAttributeArgumentList($"(ActionKind.{kind})"))));
        if (method.AttributeLists.Count > 0)
        {
            // On its own line below the others, indented as the last of them.
            var last = method.AttributeLists[method.AttributeLists.Count - 1];
            var indent = last.GetLeadingTrivia().LastOrDefault(t => t.IsKind(SyntaxKind.WhitespaceTrivia));
            return method.WithAttributeLists(method.AttributeLists.Add(
                attribute.WithLeadingTrivia(indent).WithTrailingTrivia(SyntaxFactory.EndOfLine(newLine))));
        }

        // The attribute takes the method's leading trivia (indentation, comments); the method keeps only its indentation.
        // Laid out by hand rather than by the formatter, which would write the workspace's line ending, not the file's.
        var leading = method.GetLeadingTrivia();
        var indentation = leading.LastOrDefault(t => t.IsKind(SyntaxKind.WhitespaceTrivia));
        var modifiersOrType = method.Modifiers.Count > 0
            ? method.WithModifiers(method.Modifiers.Replace(method.Modifiers[0], method.Modifiers[0].WithLeadingTrivia(indentation)))
            : method.WithReturnType(method.ReturnType.WithLeadingTrivia(indentation));
        return modifiersOrType
            .WithAttributeLists(method.AttributeLists.Insert(0, attribute.WithLeadingTrivia(leading).WithTrailingTrivia(SyntaxFactory.EndOfLine(newLine))));
    }
}
