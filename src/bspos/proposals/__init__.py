"""PASTA proposals and quotes, checked by the pricing guard, read and accepted through a public link."""
