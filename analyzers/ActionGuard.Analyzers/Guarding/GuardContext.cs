using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace ActionGuard.Analyzers.Guarding;

/// <summary>
/// Decides whether an operation runs under an approval: inside a method whose <c>[RequiresApproval]</c> has the
/// finding's kind, or inside a delegate the guard runs.
/// </summary>
/// <remarks>
/// A lambda or local function inherits the guard of its position only where the guard really runs it: when it is the
/// guard's <c>operation</c>, when it is passed straight to a call that itself is guarded, or when it is a local
/// delegate or local function whose every use is one of those. A delegate stored in a field, returned or handed to a
/// constructor may run at any later time, so it inherits nothing.
/// </remarks>
internal static class GuardContext
{
    private const int MaxDepth = 8;

    /// <param name="operation">The operation to test.</param>
    /// <param name="containingSymbol">The member whose body holds the operation.</param>
    /// <param name="kind">The kind an enclosing <c>[RequiresApproval]</c> must declare; <see langword="null"/> for any.</param>
    /// <param name="symbols">The compilation's SDK symbols.</param>
    public static bool IsGuarded(IOperation operation, ISymbol containingSymbol, SensitiveKind? kind, GuardSymbols symbols) =>
        IsGuarded(operation, containingSymbol, kind, symbols, 0);

    public static bool IsGuardOperationArgument(IArgumentOperation argument, GuardSymbols symbols) =>
        argument.Parent is IInvocationOperation invocation
        && argument.Parameter?.Name == "operation"
        && symbols.IsGuardCall(invocation.TargetMethod);

    private static bool IsGuarded(IOperation operation, ISymbol containingSymbol, SensitiveKind? kind, GuardSymbols symbols, int depth)
    {
        if (depth > MaxDepth || symbols.ActionGuard is null && symbols.RequiresApprovalAttribute is null)
        {
            return false;
        }

        for (var current = operation.Parent; current is not null; current = current.Parent)
        {
            switch (current)
            {
                case IAnonymousFunctionOperation lambda:
                    return IsDelegateGuarded(lambda, containingSymbol, kind, symbols, depth + 1);
                case ILocalFunctionOperation localFunction:
                    return AllUsesGuarded(localFunction.Symbol, Root(localFunction), containingSymbol, kind, symbols, depth + 1);
            }
        }

        return containingSymbol is IMethodSymbol method
            && symbols.FindApproval(method) is { } approval
            && (kind is null || GuardSymbols.KindOf(approval) == kind);
    }

    // The lambda or method group becomes a delegate; what happens to that delegate decides whether it is guarded.
    private static bool IsDelegateGuarded(IOperation source, ISymbol containingSymbol, SensitiveKind? kind, GuardSymbols symbols, int depth)
    {
        var parent = SkipConversions(source.Parent);
        if (parent is IDelegateCreationOperation)
        {
            parent = SkipConversions(parent.Parent);
        }

        switch (parent)
        {
            case IArgumentOperation argument when argument.Parent is IInvocationOperation invocation:
                return IsGuardOperationArgument(argument, symbols)
                    || IsGuarded(invocation, containingSymbol, kind, symbols, depth);
            case IVariableInitializerOperation { Parent: IVariableDeclaratorOperation declarator }:
                return AllUsesGuarded(declarator.Symbol, Root(declarator), containingSymbol, kind, symbols, depth);
            default:
                return false;
        }
    }

    private static bool AllUsesGuarded(ISymbol symbol, IOperation root, ISymbol containingSymbol, SensitiveKind? kind, GuardSymbols symbols, int depth)
    {
        if (depth > MaxDepth)
        {
            return false;
        }

        var uses = 0;
        foreach (var descendant in root.Descendants())
        {
            switch (descendant)
            {
                case ILocalReferenceOperation reference when SymbolEqualityComparer.Default.Equals(reference.Local, symbol):
                    uses++;
                    var parent = SkipConversions(reference.Parent);
                    if (parent is IArgumentOperation argument && IsGuardOperationArgument(argument, symbols))
                    {
                        continue;
                    }

                    if (parent is IInvocationOperation invoke && invoke.Instance is not null
                        && IsGuarded(invoke, containingSymbol, kind, symbols, depth))
                    {
                        continue;
                    }

                    return false;
                case IInvocationOperation invocation when SymbolEqualityComparer.Default.Equals(invocation.TargetMethod.OriginalDefinition, symbol):
                    if (IsInside(invocation, symbol))
                    {
                        continue; // recursion does not start the function
                    }

                    uses++;
                    if (!IsGuarded(invocation, containingSymbol, kind, symbols, depth))
                    {
                        return false;
                    }

                    break;
                case IMethodReferenceOperation methodReference when SymbolEqualityComparer.Default.Equals(methodReference.Method.OriginalDefinition, symbol):
                    uses++;
                    if (!IsDelegateGuarded(methodReference, containingSymbol, kind, symbols, depth))
                    {
                        return false;
                    }

                    break;
            }
        }

        return uses > 0;
    }

    private static bool IsInside(IOperation operation, ISymbol localFunction)
    {
        for (var current = operation.Parent; current is not null; current = current.Parent)
        {
            if (current is ILocalFunctionOperation function && SymbolEqualityComparer.Default.Equals(function.Symbol, localFunction))
            {
                return true;
            }
        }

        return false;
    }

    private static IOperation? SkipConversions(IOperation? operation)
    {
        while (operation is IConversionOperation or IParenthesizedOperation)
        {
            operation = operation.Parent;
        }

        return operation;
    }

    private static IOperation Root(IOperation operation)
    {
        while (operation.Parent is not null)
        {
            operation = operation.Parent;
        }

        return operation;
    }
}
