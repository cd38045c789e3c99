using System.Globalization;
using ActionGuard.Utils;

namespace ActionGuard.Policy;

/// <summary>A numeric condition on a data-class count or an argument, written <c>"&gt; 10000"</c>.</summary>
internal sealed class PolicyThreshold
{
    private PolicyThreshold(string key, PolicyComparison comparison, decimal value)
    {
        Key = key;
        Comparison = comparison;
        Value = value;
    }

    /// <summary>Gets the data class (<c>payment_card</c>) or argument path (<c>rows</c>, <c>options.limit</c>) compared.</summary>
    public string Key { get; }

    /// <summary>Gets the comparison.</summary>
    public PolicyComparison Comparison { get; }

    /// <summary>Gets the number compared with.</summary>
    public decimal Value { get; }

    /// <summary>Parses <paramref name="expression"/>: one of <c>&gt; &gt;= &lt; &lt;= == !=</c> and a number, for example <c>"&gt;= 1000"</c>.</summary>
    /// <param name="key">The data class or argument path.</param>
    /// <param name="expression">The comparison and number.</param>
    /// <returns>The threshold.</returns>
    /// <exception cref="FormatException"><paramref name="expression"/> is not a threshold.</exception>
    public static PolicyThreshold Parse(string key, string expression)
    {
        Guard.NotNullOrEmpty(key);
        Guard.NotNull(expression);
        return TryParse(key, expression, out var threshold, out var error) ? threshold : throw new FormatException(error);
    }

    /// <summary>Whether <paramref name="actual"/> satisfies the threshold.</summary>
    /// <param name="actual">The count or argument value.</param>
    /// <returns><see langword="true"/> when the comparison holds.</returns>
    public bool IsSatisfiedBy(decimal actual) => Comparison switch
    {
        PolicyComparison.GreaterThan => actual > Value,
        PolicyComparison.GreaterThanOrEqual => actual >= Value,
        PolicyComparison.LessThan => actual < Value,
        PolicyComparison.LessThanOrEqual => actual <= Value,
        PolicyComparison.Equal => actual == Value,
        _ => actual != Value,
    };

    /// <summary>Gets the comparison as written, for example <c>&gt; 10000</c>.</summary>
    /// <returns>The operator and number.</returns>
    public string ToExpression() => Operator(Comparison) + " " + Value.ToString(CultureInfo.InvariantCulture);

    /// <inheritdoc/>
    public override string ToString() => Key + " " + ToExpression();

    /// <summary>Parses <paramref name="expression"/> without throwing.</summary>
    /// <param name="key">The data class or argument path.</param>
    /// <param name="expression">The comparison and number.</param>
    /// <param name="threshold">The threshold, when valid.</param>
    /// <param name="error">What is wrong, when not.</param>
    /// <returns><see langword="true"/> when the expression is valid.</returns>
    public static bool TryParse(string key, string expression, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out PolicyThreshold? threshold, [System.Diagnostics.CodeAnalysis.NotNullWhen(false)] out string? error)
    {
        threshold = null;
        var text = expression.AsSpan().Trim();
        PolicyComparison comparison;
        int length;
        if (text.StartsWith(">=", StringComparison.Ordinal)) { comparison = PolicyComparison.GreaterThanOrEqual; length = 2; }
        else if (text.StartsWith("<=", StringComparison.Ordinal)) { comparison = PolicyComparison.LessThanOrEqual; length = 2; }
        else if (text.StartsWith("==", StringComparison.Ordinal)) { comparison = PolicyComparison.Equal; length = 2; }
        else if (text.StartsWith("!=", StringComparison.Ordinal)) { comparison = PolicyComparison.NotEqual; length = 2; }
        else if (text.StartsWith(">", StringComparison.Ordinal)) { comparison = PolicyComparison.GreaterThan; length = 1; }
        else if (text.StartsWith("<", StringComparison.Ordinal)) { comparison = PolicyComparison.LessThan; length = 1; }
        else
        {
            error = $"threshold '{expression}' must start with one of > >= < <= == != followed by a number, for example \"> 10000\"";
            return false;
        }

        var number = text[length..].Trim();
        if (number.IsEmpty || !decimal.TryParse(number, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value))
        {
            error = $"threshold '{expression}' must have a number after the comparison (digits, optional sign and decimal point), for example \"> 10000\"";
            return false;
        }

        threshold = new PolicyThreshold(key, comparison, value);
        error = null;
        return true;
    }

    private static string Operator(PolicyComparison comparison) => comparison switch
    {
        PolicyComparison.GreaterThan => ">",
        PolicyComparison.GreaterThanOrEqual => ">=",
        PolicyComparison.LessThan => "<",
        PolicyComparison.LessThanOrEqual => "<=",
        PolicyComparison.Equal => "==",
        _ => "!=",
    };
}
