/* tests/windows/os_processes/child.c
 * The child test_os_processes.c starts, a Windows program as a child under
 * Wine must be. What it does is its first argument:
 *   args A...          writes each argument, as CommandLineToArgvW reads its
 *                      command line, in UTF-8, one a line
 *   print TEXT         writes TEXT to stdout
 *   print-both O E     writes O to stdout, then E to stderr
 *   exit N             exits with N
 *   sleep MS           sleeps MS milliseconds, then exits with 0
 *   grandchild FILE    starts "child sleep 60000", writes its pid to FILE
 *                      (whole, by a rename), and sleeps a minute */
#include <windows.h>
#include <shellapi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

static void write_text(DWORD stream, const char *text)
{
    DWORD written;
    WriteFile(GetStdHandle(stream), text, (DWORD)strlen(text), &written, NULL);
}

static int grandchild(const wchar_t *file)
{
    wchar_t self[1024], line[1100], part[1100];
    PROCESS_INFORMATION info;
    STARTUPINFOW startup = {.cb = sizeof startup};
    DWORD n = GetModuleFileNameW(NULL, self, 1024);
    if (n == 0 || n >= 1024)
        return 2;
    swprintf(line, 1100, L"\"%ls\" sleep 60000", self);
    if (!CreateProcessW(self, line, NULL, NULL, FALSE, 0, NULL, NULL, &startup, &info))
        return 3;
    char pid[32];
    snprintf(pid, sizeof pid, "%lu", (unsigned long)info.dwProcessId);
    swprintf(part, 1100, L"%ls.part", file);
    HANDLE out = CreateFileW(part, GENERIC_WRITE, 0, NULL, CREATE_ALWAYS, 0, NULL);
    DWORD written;
    if (out == INVALID_HANDLE_VALUE || !WriteFile(out, pid, (DWORD)strlen(pid), &written, NULL) ||
        !CloseHandle(out) || !MoveFileExW(part, file, MOVEFILE_REPLACE_EXISTING))
        return 4;
    Sleep(60000);
    return 0;
}

int main(void)
{
    int argc;
    wchar_t **argv = CommandLineToArgvW(GetCommandLineW(), &argc);
    if (!argv || argc < 2)
        return 100;
    if (wcscmp(argv[1], L"args") == 0) {
        for (int i = 2; i < argc; i++) {
            char text[4096];
            if (WideCharToMultiByte(CP_UTF8, 0, argv[i], -1, text, sizeof text - 1, NULL, NULL) <=
                0)
                return 101;
            strcat(text, "\n");
            write_text(STD_OUTPUT_HANDLE, text);
        }
        return 0;
    }
    char first[1024] = "", second[1024] = "";
    if (argc > 2)
        WideCharToMultiByte(CP_UTF8, 0, argv[2], -1, first, sizeof first, NULL, NULL);
    if (argc > 3)
        WideCharToMultiByte(CP_UTF8, 0, argv[3], -1, second, sizeof second, NULL, NULL);
    if (wcscmp(argv[1], L"print") == 0) {
        write_text(STD_OUTPUT_HANDLE, first);
    } else if (wcscmp(argv[1], L"print-both") == 0) {
        write_text(STD_OUTPUT_HANDLE, first);
        write_text(STD_ERROR_HANDLE, second);
    } else if (wcscmp(argv[1], L"exit") == 0) {
        return atoi(first);
    } else if (wcscmp(argv[1], L"sleep") == 0) {
        Sleep((DWORD)atoi(first));
    } else if (wcscmp(argv[1], L"grandchild") == 0 && argc > 2) {
        return grandchild(argv[2]);
    } else {
        return 102;
    }
    return 0;
}
