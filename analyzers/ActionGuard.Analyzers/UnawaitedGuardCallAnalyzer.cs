using System.Collections.Immutable;
using ActionGuard.Analyzers.Guarding;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace ActionGuard.Analyzers;

/// <summary>AG0006: the task of a guard call is dropped, so a denial or a timeout goes unnoticed.</summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class UnawaitedGuardCallAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc/>
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Rules.GuardCallNotAwaited);

    /// <inheritdoc/>
    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterCompilationStartAction(start =>
        {
            var symbols = GuardSymbols.Create(start.Compilation);
            if (symbols.ActionGuard is null)
            {
                return;
            }

            start.RegisterOperationAction(c => Analyze(c, symbols), OperationKind.Invocation);
        });
    }

    private static void Analyze(OperationAnalysisContext context, GuardSymbols symbols)
    {
        var invocation = (IInvocationOperation)context.Operation;
        if (!symbols.IsGuardCall(invocation.TargetMethod))
        {
            return;
        }

        // Follow the task through .ConfigureAwait(…) / .AsTask(): what matters is whether anything consumes it.
        IOperation current = invocation;
        while (current.Parent is IInvocationOperation { TargetMethod.Name: "ConfigureAwait" or "AsTask" } outer && outer.Instance == current)
        {
            current = outer;
        }

        var parent = current.Parent;
        if (parent is IConversionOperation conversion)
        {
            parent = conversion.Parent;
        }

        var dropped = parent is IExpressionStatementOperation
            || (parent is ISimpleAssignmentOperation { Target: IDiscardOperation } discard && discard.Parent is IExpressionStatementOperation);
        if (dropped)
        {
            context.ReportDiagnostic(Diagnostic.Create(Rules.GuardCallNotAwaited, invocation.Syntax.GetLocation(), invocation.TargetMethod.ContainingType.Name + ".ExecuteAsync"));
        }
    }
}
