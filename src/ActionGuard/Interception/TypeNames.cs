using System.Text;

namespace ActionGuard.Interception;

/// <summary>Type names as a C# reader writes them, for action names and error messages.</summary>
internal static class TypeNames
{
    /// <summary>Returns the name without namespace or generic arity, for example <c>CustomerExporter</c>.</summary>
    /// <param name="type">The type.</param>
    /// <returns>The short name.</returns>
    public static string Short(Type type)
    {
        var name = type.Name;
        var tick = name.IndexOf('`', StringComparison.Ordinal);
        return tick < 0 ? name : name[..tick];
    }

    /// <summary>Returns the namespace-qualified name with nested types and generic arguments in C# form.</summary>
    /// <param name="type">The type.</param>
    /// <returns>For example <c>Contoso.Exports.Repository&lt;Contoso.Customer&gt;</c>.</returns>
    public static string Display(Type type)
    {
        var builder = new StringBuilder();
        Append(builder, type, qualify: true);
        return builder.ToString();
    }

    private static void Append(StringBuilder builder, Type type, bool qualify)
    {
        if (type.IsArray)
        {
            Append(builder, type.GetElementType()!, qualify);
            builder.Append('[').Append(',', type.GetArrayRank() - 1).Append(']');
            return;
        }

        if (type.IsGenericParameter)
        {
            builder.Append(type.Name);
            return;
        }

        if (type.IsNested)
        {
            Append(builder, type.DeclaringType!, qualify);
            builder.Append('.');
        }
        else if (qualify && !string.IsNullOrEmpty(type.Namespace))
        {
            builder.Append(type.Namespace).Append('.');
        }

        builder.Append(Short(type));

        // Only the arguments this type adds itself; a nested type repeats its declaring type's arguments.
        var arguments = type.GetGenericArguments();
        var inherited = type.IsNested ? type.DeclaringType!.GetGenericArguments().Length : 0;
        if (arguments.Length > inherited)
        {
            builder.Append('<');
            for (var i = inherited; i < arguments.Length; i++)
            {
                if (i > inherited)
                {
                    builder.Append(", ");
                }

                Append(builder, arguments[i], qualify);
            }

            builder.Append('>');
        }
    }
}
