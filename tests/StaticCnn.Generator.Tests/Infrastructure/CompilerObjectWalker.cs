using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using System.Runtime.CompilerServices;
using Microsoft.CodeAnalysis;

namespace StaticCnn.Generator.Tests.Infrastructure;

/// <summary>
/// Walks a pipeline value reflectively (the generator's records and structs, value tuples, arrays and other
/// sequences such as EquatableArray) and lists every path that holds, or is declared to hold, a compiler object. Such objects
/// keep whole compilations alive and defeat the incremental cache's value equality.
/// </summary>
internal static class CompilerObjectWalker
{
    private static readonly Type[] Forbidden =
    {
        typeof(ISymbol), typeof(SyntaxNode), typeof(SyntaxTree), typeof(SyntaxToken), typeof(Location),
        typeof(AttributeData), typeof(Compilation), typeof(SemanticModel), typeof(TypedConstant),
    };

    public static IReadOnlyList<string> FindCompilerObjects(object? root, string name = "value")
    {
        var found = new List<string>();
        Walk(root, root?.GetType() ?? typeof(object), name, found, new HashSet<object>(ReferenceEqualityComparer.Instance), 0);
        return found;
    }

    private static void Walk(object? value, Type declared, string path, List<string> found, HashSet<object> seen, int depth)
    {
        if (IsForbidden(declared))
        {
            found.Add($"{path} is declared as {declared.FullName}");
            return;
        }

        if (value is null)
        {
            return;
        }

        Type type = value.GetType();
        if (IsForbidden(type))
        {
            found.Add($"{path} holds a {type.FullName}");
            return;
        }

        if (type.IsPrimitive || type.IsEnum || value is string or decimal || depth > 32)
        {
            return;
        }

        if (!type.IsValueType && !seen.Add(value))
        {
            return;
        }

        if (value is IEnumerable sequence)
        {
            int i = 0;
            foreach (object? item in sequence)
            {
                Walk(item, item?.GetType() ?? typeof(object), $"{path}[{i++}]", found, seen, depth + 1);
            }

            return;
        }

        if (value is ITuple tuple)
        {
            for (int i = 0; i < tuple.Length; i++)
            {
                Walk(tuple[i], tuple[i]?.GetType() ?? typeof(object), $"{path}.Item{i + 1}", found, seen, depth + 1);
            }

            return;
        }

        if (type.Assembly != typeof(NetworkGenerator).Assembly)
        {
            // Other library types (System.Type, ...) are leaves; sequences and tuples were opened above.
            return;
        }

        foreach (PropertyInfo property in type.GetProperties(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic))
        {
            if (property.GetIndexParameters().Length > 0 || property.Name == "EqualityContract" || property.GetMethod is null)
            {
                continue;
            }

            Walk(property.GetValue(value), property.PropertyType, $"{path}.{property.Name}", found, seen, depth + 1);
        }

        foreach (FieldInfo field in type.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic))
        {
            // Backing fields repeat their properties; other fields (EquatableArray's items) are walked here.
            if (field.Name.Contains("k__BackingField", StringComparison.Ordinal))
            {
                continue;
            }

            Walk(field.GetValue(value), field.FieldType, $"{path}.{field.Name}", found, seen, depth + 1);
        }
    }

    private static bool IsForbidden(Type type)
    {
        Type element = type.IsArray ? type.GetElementType()! : type;
        return Forbidden.Any(forbidden => forbidden.IsAssignableFrom(element))
            || (element.IsGenericType && element.GetGenericArguments().Any(IsForbidden));
    }
}
