/* CRLF line ends are kept; the marker line keeps its CRLF. */
#[hot]	
int twice(int x)
{
    return 2 * x;
}
