namespace ActionGuard.Classification;

/// <summary>One class of data found, with how many values and how sure the classifier is.</summary>
/// <param name="DataClass">The class name; see <see cref="DataClassNames"/>.</param>
/// <param name="Confidence">The highest confidence of any value of the class, from 0 to 1: checksummed classes score near 1, format-only matches lower.</param>
/// <param name="Count">How many values of the class were found.</param>
/// <param name="Samples">A few distinct values, masked (<c>j***@example.com</c>, <c>**** **** **** 4242</c>); never the raw values.</param>
public sealed record DataClassFinding(string DataClass, double Confidence, long Count, IReadOnlyList<string> Samples);
