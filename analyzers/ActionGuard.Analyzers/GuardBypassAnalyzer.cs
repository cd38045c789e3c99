using System.Collections.Immutable;
using System.Linq;
using ActionGuard.Analyzers.Guarding;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace ActionGuard.Analyzers;

/// <summary>
/// AG0004: a <c>[RequiresApproval]</c> method called on a class rather than through its interface, which skips the
/// approval decorator.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class GuardBypassAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc/>
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Rules.GuardBypassed);

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

            start.RegisterOperationAction(c => Analyze(c, symbols), OperationKind.Invocation);
        });
    }

    private static void Analyze(OperationAnalysisContext context, GuardSymbols symbols)
    {
        var invocation = (IInvocationOperation)context.Operation;
        var method = invocation.TargetMethod;
        if (method.IsStatic || method.ContainingType.TypeKind is TypeKind.Interface || invocation.Instance is null
            || symbols.FindApproval(method) is not { } approval)
        {
            return;
        }

        // A call the guard itself runs, or one inside a method guarded for the same kind, already has an approval.
        if (GuardContext.IsGuarded(invocation, context.ContainingSymbol, GuardSymbols.KindOf(approval), symbols))
        {
            return;
        }

        var iface = GuardSymbols.ImplementedInterfaceMembers(method.OriginalDefinition).FirstOrDefault()?.ContainingType;
        var advice = iface is null
            ? "extract an interface, register it with AddGuarded*, and call through it"
            : $"call it through '{iface.Name}' as registered with AddGuarded*";
        var receiver = invocation.Instance.Type?.Name ?? method.ContainingType.Name;
        context.ReportDiagnostic(Diagnostic.Create(Rules.GuardBypassed, invocation.Syntax.GetLocation(), method.ContainingType.Name + "." + method.Name, receiver, advice));
    }
}
