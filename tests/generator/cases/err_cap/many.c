/* More errors than the generator reports for one file: the first 20,
 * then where it stopped. The next file is read as usual. */
#[hot]
static int step1(int x) { return x + 1; }
#[hot]
static int step2(int x) { return x + 2; }
#[hot]
static int step3(int x) { return x + 3; }
#[hot]
static int step4(int x) { return x + 4; }
#[hot]
static int step5(int x) { return x + 5; }
#[hot]
static int step6(int x) { return x + 6; }
#[hot]
static int step7(int x) { return x + 7; }
#[hot]
static int step8(int x) { return x + 8; }
#[hot]
static int step9(int x) { return x + 9; }
#[hot]
static int step10(int x) { return x + 10; }
#[hot]
static int step11(int x) { return x + 11; }
#[hot]
static int step12(int x) { return x + 12; }
#[hot]
static int step13(int x) { return x + 13; }
#[hot]
static int step14(int x) { return x + 14; }
#[hot]
static int step15(int x) { return x + 15; }
#[hot]
static int step16(int x) { return x + 16; }
#[hot]
static int step17(int x) { return x + 17; }
#[hot]
static int step18(int x) { return x + 18; }
#[hot]
static int step19(int x) { return x + 19; }
#[hot]
static int step20(int x) { return x + 20; }
#[hot]
static int step21(int x) { return x + 21; }
#[hot]
static int step22(int x) { return x + 22; }
#[hot]
static int step23(int x) { return x + 23; }
#[hot]
static int step24(int x) { return x + 24; }
