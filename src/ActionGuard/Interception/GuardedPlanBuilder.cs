using System.Diagnostics.CodeAnalysis;
using System.Reflection;

namespace ActionGuard.Interception;

/// <summary>
/// Reads <see cref="RequiresApprovalAttribute"/> and <see cref="SensitiveAttribute"/> off a service interface and its
/// implementation and compiles a <see cref="GuardedInterfacePlan"/>, rejecting at registration every method that
/// could not be guarded faithfully.
/// </summary>
internal static class GuardedPlanBuilder
{
    internal const string UnreferencedCodeMessage =
        "ActionGuard decorators reflect over the service interface and the implementation to find [RequiresApproval] " +
        "methods, which trimming may remove. In trimmed or native-AOT applications, inject IActionGuard and wrap " +
        "privileged calls in IActionGuard.ExecuteAsync instead.";

    internal const string DynamicCodeMessage =
        "ActionGuard decorators are System.Reflection.DispatchProxy proxies, which emit code at run time. In " +
        "native-AOT applications, inject IActionGuard and wrap privileged calls in IActionGuard.ExecuteAsync instead.";

    private const BindingFlags DeclaredInstanceMethods =
        BindingFlags.DeclaredOnly | BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic;

    /// <summary>Builds and validates the plan.</summary>
    /// <param name="serviceType">The service type; must be an interface.</param>
    /// <param name="implementationType">A concrete class implementing <paramref name="serviceType"/>.</param>
    /// <returns>The plan.</returns>
    /// <exception cref="InvalidOperationException">The types or an attributed method cannot be guarded.</exception>
    [RequiresUnreferencedCode(UnreferencedCodeMessage)]
    [RequiresDynamicCode(DynamicCodeMessage)]
    public static GuardedInterfacePlan Build(Type serviceType, Type implementationType)
    {
        if (!serviceType.IsInterface)
        {
            throw new InvalidOperationException(
                $"AddGuarded* needs an interface as the service type, but {TypeNames.Display(serviceType)} is not one: " +
                "the ActionGuard decorator implements the interface and forwards each call to the implementation. " +
                $"Extract an interface from {TypeNames.Display(serviceType)} and register it as the service type.");
        }

        if (implementationType.IsAbstract || implementationType.IsInterface || implementationType.ContainsGenericParameters)
        {
            throw new InvalidOperationException(
                $"AddGuarded* needs a concrete class as the implementation type, but {TypeNames.Display(implementationType)} is not one.");
        }

        var plans = new List<GuardedMethodPlan>();
        foreach (var iface in (Type[])[serviceType, .. serviceType.GetInterfaces()])
        {
            var map = implementationType.GetInterfaceMap(iface);
            for (var i = 0; i < map.InterfaceMethods.Length; i++)
            {
                var method = map.InterfaceMethods[i];
                if (method.IsStatic)
                {
                    continue;
                }

                if (BuildMethod(method, map.TargetMethods[i]) is { } plan)
                {
                    plans.Add(plan);
                }
            }
        }

        return new GuardedInterfacePlan(serviceType, implementationType, plans);
    }

    [RequiresDynamicCode(DynamicCodeMessage)]
    [RequiresUnreferencedCode(UnreferencedCodeMessage)]
    private static GuardedMethodPlan? BuildMethod(MethodInfo method, MethodInfo? implementation)
    {
        // The interface wins; otherwise the implementation, including an attribute inherited from an overridden method.
        Type carrier;
        var parameters = method.GetParameters();
        var implementationParameters = implementation?.GetParameters();

        // Templates and argument names use the parameter names of the method that carries the attribute: those are
        // the names its author sees.
        ParameterInfo[] namingParameters;
        var attribute = method.GetCustomAttribute<RequiresApprovalAttribute>(inherit: false);
        if (attribute is not null)
        {
            carrier = method.DeclaringType!;
            namingParameters = parameters;
        }
        else if (implementation?.GetCustomAttribute<RequiresApprovalAttribute>(inherit: true) is { } implementationAttribute)
        {
            attribute = implementationAttribute;
            carrier = FindCarrier(implementation);
            namingParameters = implementationParameters!;
        }
        else
        {
            return null;
        }

        var display = TypeNames.Short(carrier) + "." + method.Name;
        if (method.IsGenericMethodDefinition)
        {
            throw new InvalidOperationException(
                $"[RequiresApproval] on {display} is on a generic method, which ActionGuard decorators do not guard. " +
                "Make the method non-generic, or guard the call with IActionGuard.ExecuteAsync.");
        }

        var sensitive = new bool[parameters.Length];
        var cancellationTokenIndex = -1;
        var arguments = new List<ArgumentSlot>(parameters.Length);
        for (var p = 0; p < parameters.Length; p++)
        {
            var parameter = namingParameters[p];
            if (parameter.ParameterType.IsByRef)
            {
                throw new InvalidOperationException(
                    $"[RequiresApproval] on {display} cannot be guarded: parameter '{parameter.Name}' is passed by " +
                    "reference (ref, out or in), and an approval covers the arguments as they are when the call " +
                    "starts. Pass it by value and return results instead.");
            }

            sensitive[p] = parameters[p].IsDefined(typeof(SensitiveAttribute), inherit: false)
                || (implementationParameters is not null
                    && Attribute.IsDefined(implementationParameters[p], typeof(SensitiveAttribute), inherit: true));

            if (parameter.ParameterType == typeof(CancellationToken))
            {
                if (cancellationTokenIndex < 0)
                {
                    cancellationTokenIndex = p;
                }

                continue;
            }

            var payload = parameters[p].IsDefined(typeof(Classification.PayloadAttribute), inherit: false)
                || (implementationParameters is not null
                    && Attribute.IsDefined(implementationParameters[p], typeof(Classification.PayloadAttribute), inherit: true));
            arguments.Add(new ArgumentSlot(parameter.Name ?? string.Empty, p, sensitive[p], payload));
        }

        var (shape, resultType) = GetShape(method, display);

        if (attribute.Name is { } customName && string.IsNullOrWhiteSpace(customName))
        {
            throw new InvalidOperationException($"[RequiresApproval] on {display} sets an empty Name; remove it to use \"{display}\".");
        }

        if (attribute.TimeoutSeconds < 0)
        {
            throw new InvalidOperationException(
                $"[RequiresApproval] on {display} sets TimeoutSeconds to {attribute.TimeoutSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture)}; " +
                "use a positive number of seconds, or 0 for the configured default.");
        }

        var templateParameters = new TemplateArgument[parameters.Length];
        for (var p = 0; p < parameters.Length; p++)
        {
            templateParameters[p] = new TemplateArgument(
                namingParameters[p].Name,
                namingParameters[p].ParameterType == typeof(CancellationToken) ? "a CancellationToken, which is not an argument of the action."
                : sensitive[p] ? ActionTemplate.SensitiveRefusal
                : null);
        }

        var owner = "[RequiresApproval] on " + display;
        var resource = attribute.Resource is null
            ? null
            : ActionTemplate.Parse(attribute.Resource, nameof(RequiresApprovalAttribute.Resource), owner, templateParameters);
        var destination = attribute.Destination is null
            ? null
            : ActionTemplate.Parse(attribute.Destination, nameof(RequiresApprovalAttribute.Destination), owner, templateParameters);

        Func<IActionGuard, GuardedAction, TargetCall, CancellationToken, object>? runner = null;
        if (resultType is not null)
        {
            var helper = shape == ReturnShape.TaskOfT
                ? typeof(GuardedMethodPlan).GetMethod(nameof(GuardedMethodPlan.RunTaskOfT), BindingFlags.NonPublic | BindingFlags.Static)!
                : typeof(GuardedMethodPlan).GetMethod(nameof(GuardedMethodPlan.RunValueTaskOfT), BindingFlags.NonPublic | BindingFlags.Static)!;
            runner = helper.MakeGenericMethod(resultType)
                .CreateDelegate<Func<IActionGuard, GuardedAction, TargetCall, CancellationToken, object>>();
        }

        return new GuardedMethodPlan(
            method,
            attribute,
            attribute.Name ?? display,
            resource,
            destination,
            [.. arguments],
            cancellationTokenIndex,
            shape,
            runner);
    }

    [RequiresUnreferencedCode(UnreferencedCodeMessage)]
    private static (ReturnShape Shape, Type? ResultType) GetShape(MethodInfo method, string display)
    {
        var type = method.ReturnType;
        if (type == typeof(void))
        {
            return (ReturnShape.Void, null);
        }

        if (type == typeof(Task))
        {
            return (ReturnShape.Task, null);
        }

        if (type == typeof(ValueTask))
        {
            return (ReturnShape.ValueTask, null);
        }

        if (type.IsGenericType && !type.IsGenericTypeDefinition)
        {
            var definition = type.GetGenericTypeDefinition();
            if (definition == typeof(Task<>))
            {
                return (ReturnShape.TaskOfT, type.GetGenericArguments()[0]);
            }

            if (definition == typeof(ValueTask<>))
            {
                return (ReturnShape.ValueTaskOfT, type.GetGenericArguments()[0]);
            }
        }

        if (type.IsByRef || type.IsByRefLike || type.IsPointer || type.IsFunctionPointer)
        {
            throw UnsupportedReturn(display, type, "it cannot be boxed through the decorator");
        }

        if (IsAsyncStream(type))
        {
            throw UnsupportedReturn(display, type, "the approval would cover creating the stream, not the work done while it is enumerated");
        }

        if (type.GetMethod("GetAwaiter", BindingFlags.Public | BindingFlags.Instance, Type.EmptyTypes) is not null)
        {
            throw UnsupportedReturn(display, type, "it is awaitable, and the decorator only knows how to await Task and ValueTask");
        }

        return (ReturnShape.Value, null);
    }

    [RequiresUnreferencedCode(UnreferencedCodeMessage)]
    private static bool IsAsyncStream(Type type)
    {
        static bool IsStreamInterface(Type t) =>
            t.IsGenericType
            && (t.GetGenericTypeDefinition() == typeof(IAsyncEnumerable<>) || t.GetGenericTypeDefinition() == typeof(IAsyncEnumerator<>));

        return IsStreamInterface(type) || type.GetInterfaces().Any(IsStreamInterface);
    }

    private static InvalidOperationException UnsupportedReturn(string display, Type type, string why) =>
        new($"[RequiresApproval] on {display} returns {TypeNames.Display(type)}, which ActionGuard cannot guard: {why}. " +
            "Guarded methods return void, a value, Task, Task<T>, ValueTask or ValueTask<T>.");

    // The short name of the most derived type whose method itself declares the attribute, so that the default action
    // name points at the code a reader would look for.
    [RequiresUnreferencedCode(UnreferencedCodeMessage)]
    private static Type FindCarrier(MethodInfo implementation)
    {
        var declaring = implementation.DeclaringType!;
        if (implementation.IsDefined(typeof(RequiresApprovalAttribute), inherit: false))
        {
            return declaring;
        }

        var baseDefinition = implementation.GetBaseDefinition();
        for (var type = declaring.BaseType; type is not null; type = type.BaseType)
        {
            foreach (var candidate in type.GetMethods(DeclaredInstanceMethods))
            {
                if (string.Equals(candidate.Name, implementation.Name, StringComparison.Ordinal)
                    && candidate.GetBaseDefinition() == baseDefinition
                    && candidate.IsDefined(typeof(RequiresApprovalAttribute), inherit: false))
                {
                    return type;
                }
            }
        }

        return declaring;
    }
}
