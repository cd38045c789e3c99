using System.Collections.Immutable;
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
    public override FixAllProvider? GetFixAllProvider() => null;

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

            // Only where the method's own body runs the call: a lambda or local function may run outside it.
            var owner = node.FirstAncestorOrSelf<SyntaxNode>(n => n is MethodDeclarationSyntax or AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax);
            if (owner is not MethodDeclarationSyntax method)
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
        var attribute = SyntaxFactory.AttributeList(SyntaxFactory.SingletonSeparatedList(
            SyntaxFactory.Attribute(
                SyntaxFactory.IdentifierName("RequiresApproval"),
                SyntaxFactory.ParseAttributeArgumentList($"(ActionKind.{kind})"))));

        // The attribute takes the method's leading trivia (indentation, comments); the method keeps only its indentation.
        var leading = method.GetLeadingTrivia();
        var updated = method
            .WithoutLeadingTrivia()
            .WithAttributeLists(method.AttributeLists.Insert(0, attribute.WithLeadingTrivia(leading).WithTrailingTrivia(SyntaxFactory.ElasticCarriageReturnLineFeed)))
            .WithAdditionalAnnotations(Formatter.Annotation);
        if (method.AttributeLists.Count > 0)
        {
            updated = method.WithAttributeLists(method.AttributeLists.Add(attribute.WithAdditionalAnnotations(Formatter.Annotation)));
        }

        root = root.ReplaceNode(method, updated);
        root = CodeFixHelpers.AddUsing(root, "ActionGuard");
        return document.WithSyntaxRoot(root);
    }
}
