using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text;
using ActionGuard.Utils;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ActionGuard.Interception;

/// <summary>
/// Fails options validation when a type with <see cref="RequiresApprovalAttribute"/> methods is registered without
/// the ActionGuard decorator: resolving it would hand out an object whose privileged methods run unapproved.
/// </summary>
/// <remarks>
/// Only registrations whose implementation is known without running code are checked: an implementation type or an
/// instance. Factory registrations cannot be inspected (and AddGuarded* registrations are factories).
/// </remarks>
internal sealed class GuardedRegistrationValidator : IValidateOptions<ActionGuardOptions>
{
    private const BindingFlags DeclaredMethods =
        BindingFlags.DeclaredOnly | BindingFlags.Instance | BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic;

    // Weak keys, so that caching a type never keeps a collectible assembly loaded.
    private static readonly ConditionalWeakTable<Type, string[]> GuardedMethodsByType = new();

    private readonly IServiceCollection _services;

    /// <summary>Initializes a new instance.</summary>
    /// <param name="services">The collection the provider is built from; read when options are validated.</param>
    public GuardedRegistrationValidator(IServiceCollection services) => _services = Guard.NotNull(services);

    /// <inheritdoc/>
    public ValidateOptionsResult Validate(string? name, ActionGuardOptions options)
    {
        var unguarded = FindUnguarded(_services);
        return unguarded.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(Describe(unguarded));
    }

    /// <summary>Lists the registrations that expose <see cref="RequiresApprovalAttribute"/> methods undecorated.</summary>
    /// <param name="services">The service collection.</param>
    /// <returns>The offending registrations, in registration order.</returns>
    internal static List<UnguardedRegistration> FindUnguarded(IServiceCollection services)
    {
        var registry = GuardedServiceRegistry.Find(services);
        var result = new List<UnguardedRegistration>();
        foreach (var descriptor in services)
        {
            if (registry?.Contains(descriptor) == true)
            {
                continue;
            }

            var implementationType = descriptor.IsKeyedService
                ? descriptor.KeyedImplementationType ?? descriptor.KeyedImplementationInstance?.GetType()
                : descriptor.ImplementationType ?? descriptor.ImplementationInstance?.GetType();
            if (implementationType is null)
            {
                continue;
            }

            var methods = GuardedMethodsByType.GetValue(implementationType, FindGuardedMethods);
            if (methods.Length > 0)
            {
                var isInstance = descriptor.IsKeyedService
                    ? descriptor.KeyedImplementationInstance is not null
                    : descriptor.ImplementationInstance is not null;
                result.Add(new UnguardedRegistration(descriptor, implementationType, methods, isInstance));
            }
        }

        return result;
    }

    /// <summary>Returns the names of the methods of <paramref name="type"/> that require approval.</summary>
    /// <param name="type">The implementation type.</param>
    /// <returns>The distinct method names, sorted.</returns>
    [UnconditionalSuppressMessage(
        "Trimming",
        "IL2070",
        Justification = "A method the trimmer removed can never be called, so missing it cannot let an unapproved call through.")]
    [UnconditionalSuppressMessage(
        "Trimming",
        "IL2075",
        Justification = "A method or interface the trimmer removed can never be called, so missing it cannot let an unapproved call through.")]
    internal static string[] FindGuardedMethods(Type type)
    {
        var names = new SortedSet<string>(StringComparer.Ordinal);

        // Walking the base types with DeclaredOnly finds inherited attributes and private methods alike.
        for (var current = type; current is not null && current != typeof(object); current = current.BaseType)
        {
            foreach (var method in current.GetMethods(DeclaredMethods))
            {
                if (method.IsDefined(typeof(RequiresApprovalAttribute), inherit: false))
                {
                    names.Add(MethodName(method));
                }
            }
        }

        foreach (var iface in type.GetInterfaces())
        {
            foreach (var method in iface.GetMethods(DeclaredMethods))
            {
                if (method.IsDefined(typeof(RequiresApprovalAttribute), inherit: false))
                {
                    names.Add(method.Name);
                }
            }
        }

        return [.. names];
    }

    // Explicit implementations are named "Namespace.IService.Method"; the reader knows them as "Method".
    private static string MethodName(MethodInfo method)
    {
        var dot = method.Name.LastIndexOf('.');
        return dot < 0 ? method.Name : method.Name[(dot + 1)..];
    }

    private static string Describe(List<UnguardedRegistration> unguarded)
    {
        var message = new StringBuilder();
        message.Append(
            "These services have [RequiresApproval] methods but are registered without the ActionGuard decorator, so " +
            "their privileged methods would run without approval:");
        foreach (var registration in unguarded)
        {
            var descriptor = registration.Descriptor;
            message.AppendLine().Append("  - ")
                .Append(TypeNames.Display(descriptor.ServiceType))
                .Append(" -> ")
                .Append(TypeNames.Display(registration.ImplementationType))
                .Append(" (methods: ")
                .AppendJoin(", ", registration.Methods)
                .Append(')');
            if (descriptor.IsKeyedService)
            {
                message.Append(CultureInfo.InvariantCulture, $" [key: {descriptor.ServiceKey}]");
            }

            var service = descriptor.ServiceType.IsInterface ? TypeNames.Short(descriptor.ServiceType) : "IYourService";
            message.Append(
                CultureInfo.InvariantCulture,
                $"; register it with services.AddGuarded{descriptor.Lifetime}<{service}, {TypeNames.Short(registration.ImplementationType)}>()");
            if (registration.IsInstance)
            {
                message.Append(" instead of an instance");
            }
        }

        message.AppendLine().Append(
            "AddGuardedSingleton, AddGuardedScoped and AddGuardedTransient create the implementation themselves and put " +
            "the decorator in front of it; a class registered as itself must be registered behind an interface, and " +
            "keyed registrations cannot be decorated. Remove the plain registration. Where DispatchProxy is not " +
            "available (native AOT), inject IActionGuard and call IActionGuard.ExecuteAsync instead.");
        return message.ToString();
    }

    /// <summary>One registration that exposes guarded methods undecorated.</summary>
    /// <param name="Descriptor">The registration.</param>
    /// <param name="ImplementationType">The implementation type, or the instance's type.</param>
    /// <param name="Methods">The names of the methods that require approval.</param>
    /// <param name="IsInstance">Whether an instance was registered.</param>
    internal sealed record UnguardedRegistration(
        ServiceDescriptor Descriptor,
        Type ImplementationType,
        IReadOnlyList<string> Methods,
        bool IsInstance);
}
